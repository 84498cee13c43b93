using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// Seeds every store near the same size on disk: a PostgreSQL database (pg_database_size), a Neo4j store
/// (du of its directory: nodes through cypher-shell plus store files of the stand-in, four fifths random and
/// one fifth empty pages, so a dump compresses about as a real one does) and the uploads (half incompressible
/// evidence, half CSV-like text).
/// </summary>
internal static class Seeder
{
    private const long MiB = 1024 * 1024;

    public static async Task<Sizes> SeedAsync(Platform platform, int megabytes, int nodes, int files)
    {
        var target = megabytes * MiB;
        await SeedPostgresAsync(platform, target);
        await platform.CypherAsync($"UNWIND range(1, {nodes}) AS i CREATE (:Entity {{id: i}})");
        await SeedNeo4jStoreAsync(platform, target);
        await SeedUploadsAsync(platform, target, files);
        return await MeasureAsync(platform);
    }

    public static async Task<Sizes> MeasureAsync(Platform platform)
    {
        var database = long.Parse(await platform.PsqlAsync("SELECT pg_database_size(current_database())"), CultureInfo.InvariantCulture);
        var store = long.Parse(
            (await Sh.DockerRequireAsync("exec", platform.Neo4j, "du", "-s", "-k", "/data/databases/neo4j")).Split('\t')[0],
            CultureInfo.InvariantCulture) * 1024;
        var uploads = Directory.EnumerateFiles(platform.Uploads, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new Sizes(database, store, uploads);
    }

    private static async Task SeedPostgresAsync(Platform platform, long target)
    {
        await platform.PsqlAsync("""
            CREATE TABLE events (id bigint PRIMARY KEY, tenant int NOT NULL, kind text NOT NULL, payload jsonb NOT NULL, note text);
            CREATE INDEX events_tenant ON events (tenant);
            """);
        // About 320 bytes a row with its indexes; filled in batches until the database has the size asked for.
        var next = 1L;
        while (true)
        {
            var size = long.Parse(await platform.PsqlAsync("SELECT pg_database_size(current_database())"), CultureInfo.InvariantCulture);
            if (size >= target)
            {
                break;
            }

            var rows = Math.Max(10_000, (target - size) / 320);
            await platform.PsqlAsync(
                $"INSERT INTO events SELECT g, g % 50, 'kind' || (g % 7), jsonb_build_object('n', g, 'hash', md5(g::text), 'tags', " +
                    $"jsonb_build_array('a', g % 13)), " +
                $"repeat(md5(g::text), 2) FROM generate_series({next}, {next + rows - 1}) g; ANALYZE events;");
            next += rows;
        }
    }

    private static async Task SeedNeo4jStoreAsync(Platform platform, long target)
    {
        // As uid 7474, the store's owner, so no one-off of the image has to change the owner first.
        var random = (int)(target * 4 / 5 / MiB);
        var empty = (int)(target / MiB) - random;
        await Sh.DockerRequireAsync(
            "exec", "--user", "7474", platform.Neo4j, "dd", "if=/dev/urandom", "of=/data/databases/neo4j/neostore.nodestore.db", "bs=1M",
            $"count={random}", "status=none");
        await Sh.DockerRequireAsync(
            "exec", "--user", "7474", platform.Neo4j, "dd", "if=/dev/zero", "of=/data/databases/neo4j/neostore.relationshipstore.db",
            "bs=1M", $"count={empty}", "status=none");
    }

    private static async Task SeedUploadsAsync(Platform platform, long target, int files)
    {
        var random = new Random(7);
        var perFile = (int)(target / files);
        for (var i = 0; i < files; i++)
        {
            var directory = Path.Combine(platform.Uploads, "imports", (i % 20).ToString("00", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            var bytes = i % 2 == 0 ? RandomNumberGenerator.GetBytes(perFile) : CsvLike(random, perFile);
            await File.WriteAllBytesAsync(Path.Combine(directory, $"evidence-{i:0000}.{(i % 2 == 0 ? "bin" : "csv")}"), bytes);
        }
    }

    private static byte[] CsvLike(Random random, int size)
    {
        var text = new StringBuilder(size + 100);
        while (text.Length < size)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{random.Next()},{random.Next(1000)},entity-{random.Next(100000)},{random.NextDouble():0.0000}\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, size));
    }
}
