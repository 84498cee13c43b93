using System.Security.Cryptography;
using System.Text.Json;

namespace Summit.Dr.Testing;

/// <summary>
/// A seeded Summit platform on the real engine: a PostgreSQL and a Neo4j container with unique names,
/// and a working directory holding server/uploads and a summit-dr.json that names those containers.
/// </summary>
public sealed partial class Platform : IAsyncDisposable
{
    public const int SeededUsers = 1000;
    public const int SeededNodes = 50;

    private Platform(string prefix, bool compose, string neo4jImage, (string Postgres, string Neo4j)? names, ContainerEngine engine)
    {
        Engine = engine;
        Prefix = prefix;
        Compose = compose;
        Neo4jImage = neo4jImage;
        _names = names;
        Neo4jPassword = "pw-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        WorkDir = Directory.CreateTempSubdirectory("summit-dr-it-").FullName;
    }

    private readonly (string Postgres, string Neo4j)? _names;

    private string? _neo4jData;

    public string Prefix { get; }

    /// <summary>The engine its containers run on: docker, or podman in the podman lane.</summary>
    public ContainerEngine Engine { get; }

    /// <summary>The image the Neo4j container runs: the stand-in by default, its 4.4 variant, or a real image.</summary>
    public string Neo4jImage { get; }

    /// <summary>A stack like the platform's newer compose file: compose labels, other names, no config file.</summary>
    public bool Compose { get; }

    public string Postgres => _names?.Postgres ?? Prefix + (Compose ? "-summit-postgres" : "-postgres");

    public string Neo4j => _names?.Neo4j ?? Prefix + (Compose ? "-summit-neo4j" : "-neo4j");

    public string Database => Compose ? "summit_dev" : "intelgraph_dev";

    public string User => Compose ? "summit" : "intelgraph";

    /// <summary>The compose project name docker compose would derive from the working directory.</summary>
    public string ComposeProject =>
        new string(Path.GetFileName(WorkDir).ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-').ToArray());

    public string Neo4jPassword { get; }

    public string WorkDir { get; }

    public string Uploads => Path.Combine(WorkDir, "server", "uploads");

    public string BackupRoot => Path.Combine(WorkDir, "backups");

    /// <param name="neo4jImage">The Neo4j image (default: <see cref="Repo.Neo4jImage"/>).</param>
    /// <param name="names">Exact container names instead of unique ones (another platform that uses the runbook's names).</param>
    /// <param name="neo4jData">A named volume for Neo4j's /data instead of the image's anonymous one (a small one, say).</param>
    /// <param name="engine">The engine to run it on (default: docker).</param>
    public static async Task<Platform> StartAsync(
        bool seed = true, bool compose = false, string? neo4jImage = null, (string Postgres, string Neo4j)? names = null,
        string? neo4jData = null, ContainerEngine? engine = null)
    {
        var platform = new Platform(
            "sdr" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), compose, neo4jImage
                ?? Repo.Neo4jImage, names, engine ?? ContainerEngine.Docker) { _neo4jData = neo4jData };
        try
        {
            await platform.StartContainersAsync();
            // A platform's directory holds its uploads directory, empty until files are uploaded.
            Directory.CreateDirectory(platform.Uploads);
            if (!compose)
            {
                platform.WriteConfig();
            }

            if (seed)
            {
                await platform.SeedAsync();
            }

            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    public void WriteConfig(object? extra = null)
    {
        var config = new Dictionary<string, object>
        {
            ["Postgres"] = new { Container = Postgres },
            ["Neo4j"] = new { Container = Neo4j, StartTimeoutSeconds = 60 },
        };
        // Mode 600, as docs/configuration.md asks of a file that can name passwords.
        var path = Path.Combine(WorkDir, "summit-dr.json");
        File.WriteAllText(path, JsonSerializer.Serialize(extra ?? config));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public async ValueTask DisposeAsync()
    {
        // One-offs first: a volume still referenced by one of them would survive the removal of its owner.
        var oneOffs = (await Engine.RunAsync("ps", "-a", "--filter", "name=summit-dr-", "--format", "{{.Names}}")).StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(n => n.Contains(Neo4j, StringComparison.Ordinal) || n.Contains(Postgres, StringComparison.Ordinal)).ToList();
        await Engine.RunAsync(["rm", "--force", "summit-dr-wal-" + Postgres, .. oneOffs]);
        await Engine.RunAsync("rm", "--force", "--volumes", Postgres, Neo4j);
        await Engine.RunAsync("volume", "rm", "--force", "summit-dr-wal-" + Postgres);
        foreach (var volume in await KeptPostgresVolumesAsync())
        {
            await Engine.RunAsync("volume", "rm", "--force", volume);
        }

        if (_neo4jData is { } data && !data.StartsWith('/'))
        {
            await Engine.RunAsync("volume", "rm", "--force", data);
        }
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // A container may still be writing into a bind mount; the temp directory is cleaned with the machine.
        }
    }

    /// <summary>Changes every store the way a bad day would: rows deleted and added, nodes added, files deleted, added and
    /// changed.</summary>
    public async Task ChangeEverythingAsync()
    {
        await PsqlAsync("DELETE FROM risk_signals WHERE id % 3 = 0; DELETE FROM users WHERE id > 900 AND id NOT IN (SELECT user_id FROM " +
            "risk_signals); " +
            "INSERT INTO tenants VALUES (99, 'intruder'); UPDATE users SET trust_score = 0 WHERE id < 10;");
        await CypherAsync("UNWIND range(1, 7) AS i CREATE (:Injected {id: i})");
        File.Delete(Path.Combine(Uploads, "imports", "entities.csv"));
        File.WriteAllText(Path.Combine(Uploads, "notes with spaces.txt"), "tampered");
        File.WriteAllText(Path.Combine(Uploads, "added-later.csv"), "x");
    }

    private async Task StartContainersAsync()
    {
        await Engine.RequireAsync(["run", "-d", "--name", Postgres, "--network", "none", .. Labels("postgres"),
            "-e", "POSTGRES_USER=" + User, "-e", "POSTGRES_PASSWORD=pg-" + Prefix, "-e", "POSTGRES_DB=" + Database, Repo.PostgresImage]);
        await Engine.RequireAsync(
            ["run", "-d", "--name", Neo4j, "--network", "none", .. Labels("neo4j"), "-e", $"NEO4J_AUTH=neo4j/{Neo4jPassword}",
            .. _neo4jData is null ? Array.Empty<string>() : ["-v", _neo4jData + ":/data"], Neo4jImage]);
        await WaitForPostgresAsync(Postgres, User, Database, Engine);
        await WaitAsync(Neo4jAnswersAsync, "Neo4j");
    }

    /// <summary>The labels docker compose puts on a service's container.</summary>
    public string[] Labels(string service) => Compose
        ? ["--label", "com.docker.compose.project=" + ComposeProject, "--label", "com.docker.compose.service=" + service]
        : [];

    private async Task SeedAsync()
    {
        await PsqlAsync($"""
            CREATE TABLE tenants (id int PRIMARY KEY, name text NOT NULL);
            CREATE TABLE users (
                id int PRIMARY KEY, tenant_id int REFERENCES tenants(id), email text UNIQUE, trust_score numeric(5,2),
                created_at timestamptz);
            CREATE TABLE risk_signals (id bigserial PRIMARY KEY, user_id int REFERENCES users(id), payload jsonb);
            INSERT INTO tenants SELECT g, 'tenant ' || g FROM generate_series(1, 5) g;
            INSERT INTO users SELECT g, 1 + g % 5, 'user' || g
                || '@example.org', (g % 100) / 3.0,
                timestamptz '2025-09-25 12:00:00+00' + g * interval '1 minute' FROM generate_series(1, {SeededUsers}) g;
            INSERT INTO risk_signals (user_id, payload) SELECT 1 + g % {SeededUsers},
                jsonb_build_object('score', g, 'tags', jsonb_build_array('a', 'b')) FROM generate_series(1, 3000) g;
            """);
        await CypherAsync($"UNWIND range(1, {SeededNodes}) AS i CREATE (:Entity {{id: i}})");
        foreach (var (from, to) in new[] { (1, 2), (2, 3), (3, 1) })
        {
            await CypherAsync($"MATCH (a:Entity {{id: {from}}}), (b:Entity {{id: {to}}}) CREATE (a)-[:LINKED]->(b)");
        }

        Directory.CreateDirectory(Path.Combine(Uploads, "imports", "2025"));
        File.WriteAllText(Path.Combine(Uploads, "imports", "entities.csv"), "id,name\n1,alpha\n2,beta\n");
        File.WriteAllBytes(Path.Combine(Uploads, "imports", "2025", "bundle.stix.json"), RandomNumberGenerator.GetBytes(300_000));
        File.WriteAllText(Path.Combine(Uploads, "notes with spaces.txt"), "evidence");
    }

    /// <summary>
    /// Until the server for good answers: the image's entrypoint first runs an initialisation server that
    /// answers on the same socket, then stops it; PID 1 becomes `postgres` only once the real one runs.
    /// </summary>
    public static Task WaitForPostgresAsync(string container, string user, string database, ContainerEngine? engine = null)
    {
        var cli = engine ?? ContainerEngine.Docker;
        return WaitAsync(async () =>
            (await cli.RunAsync("exec", container, "psql", "-U", user, "-d", database, "-c", "SELECT 1")).ExitCode == 0
            && (await cli.RunAsync("exec", container, "cat", "/proc/1/comm")).StandardOutput.Trim() == "postgres", "PostgreSQL");
    }

    private static async Task WaitAsync(Func<Task<bool>> ready, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await ready())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not become ready within 60 s");
            }

            await Task.Delay(250);
        }
    }
}
