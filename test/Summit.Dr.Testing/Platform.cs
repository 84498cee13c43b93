using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Summit.Dr.Testing;

/// <summary>
/// A seeded Summit platform on the real engine: a PostgreSQL and a Neo4j container with unique names,
/// and a working directory holding server/uploads and a summit-dr.json that names those containers.
/// </summary>
public sealed class Platform : IAsyncDisposable
{
    public const int SeededUsers = 1000;
    public const int SeededNodes = 50;

    private Platform(string prefix, bool compose, string neo4jImage, (string Postgres, string Neo4j)? names)
    {
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
    public static async Task<Platform> StartAsync(
        bool seed = true, bool compose = false, string? neo4jImage = null, (string Postgres, string Neo4j)? names = null,
        string? neo4jData = null)
    {
        var platform = new Platform(
            "sdr" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), compose, neo4jImage
                ?? Repo.Neo4jImage, names) { _neo4jData = neo4jData };
        try
        {
            await platform.StartContainersAsync();
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

    public async Task<string> PsqlAsync(string sql, string? database = null) =>
        (await Sh.DockerRequireAsync(
            "exec", Postgres, "psql", "-U", User, "-d", database ?? Database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql)).Trim();

    /// <summary>An order-independent checksum of every row of every user table.</summary>
    public async Task<string> TableChecksumsAsync(string? database = null)
    {
        var tables = (await PsqlAsync("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database)).Split('\n');
        var sums = new List<string>();
        foreach (var table in tables)
        {
            sums.Add(table + "=" + await PsqlAsync($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), " +
                $"'') FROM {table} t", database));
        }

        return string.Join(';', sums);
    }

    public async Task<string> CypherAsync(string query, string? container = null)
    {
        var result = await Sh.DockerRequireAsync(
            "exec", "-e", "NEO4J_USERNAME=neo4j", "-e", "NEO4J_PASSWORD=" + Neo4jPassword, container
                ?? Neo4j, "cypher-shell", "--format", "plain", query);
        return result.Trim();
    }

    public async Task<long> NodeCountAsync(string? container = null) =>
        long.Parse((await CypherAsync("MATCH (n) RETURN count(n)", container)).Split('\n')[^1], CultureInfo.InvariantCulture);

    public async Task<bool> Neo4jAnswersAsync()
    {
        var result = await Sh.DockerAsync(
            "exec", "-e", "NEO4J_USERNAME=neo4j", "-e", "NEO4J_PASSWORD=" + Neo4jPassword, Neo4j, "cypher-shell", "RETURN 1");
        return result.ExitCode == 0;
    }

    public async Task<bool> IsRunningAsync(string container)
    {
        var result = await Sh.DockerAsync("inspect", "--type", "container", "--format", "{{.State.Running}}", container);
        return result.ExitCode == 0 && result.StandardOutput.Trim() == "true";
    }

    /// <summary>The container summit-dr runs neo4j-admin in, beside this platform's Neo4j.</summary>
    public string Workbench => "summit-dr-admin-" + Neo4j;

    /// <summary>Whether `neo4j-admin ... dump` or `load` (not `load --info`) runs in the workbench now.</summary>
    public async Task<bool> AdminRunsAsync(string verb)
    {
        var top = await Sh.DockerAsync("top", Workbench);
        return top.ExitCode == 0 && top.StandardOutput.Split('\n').Any(l =>
            l.Contains("neo4j-admin", StringComparison.Ordinal) && l.Contains($" {verb} ", StringComparison.Ordinal)
                && !l.Contains("--info", StringComparison.Ordinal));
    }

    /// <summary>What summit-dr keeps aside for undo, as a user would look for it: databases, entries of /data, siblings of the uploads
    /// tree.</summary>
    public async Task<(string[] Databases, string[] Neo4jEntries, string[] UploadsSiblings)> KeptTracesAsync()
    {
        var databases = (await PsqlAsync("SELECT datname FROM pg_database WHERE datname LIKE '%\\_sdr\\_%' ORDER BY 1", "postgres"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var data = await Sh.DockerRequireAsync("exec", Neo4j, "ls", "-A", "/data");
        var entries = data.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(
            e => e.StartsWith("summit-dr-", StringComparison.Ordinal)).ToArray();
        var siblings = Directory.GetFileSystemEntries(Path.GetDirectoryName(Uploads)!, ".summit-dr-*").Select(
            e => Path.GetFileName(e)!).ToArray();
        return (databases, entries, siblings);
    }

    /// <summary>When the container last started (docker's State.StartedAt): unchanged means it was never stopped.</summary>
    public async Task<string> StartedAtAsync(string container) =>
        (await Sh.DockerRequireAsync("inspect", "--format", "{{.State.StartedAt}}", container)).Trim();

    public async Task<bool> ExistsAsync(string container) =>
        (await Sh.DockerAsync("inspect", "--type", "container", container)).ExitCode == 0;

    /// <summary>Leaves a file owned by root in the store, as `docker exec` (root) does; the official entrypoint then warns on
    /// stdout.</summary>
    public Task AddRootOwnedFileAsync() =>
        Sh.DockerRequireAsync("exec", Neo4j, "sh", "-c", "echo x > /data/databases/neo4j/notes.txt");

    /// <summary>Switches one of the Neo4j stand-in's fault knobs (files under /data/.standin).</summary>
    public Task SetKnobAsync(string knob, string value = "1") =>
        Sh.DockerRequireAsync("exec", Neo4j, "sh", "-c", "mkdir -p /data/.standin && printf %s \"$1\" > " +
            "/data/.standin/$2", "knob", value, knob);

    /// <summary>Clears a knob while the server is stopped, through a one-off container on its volume.</summary>
    public Task ClearKnobInVolumeAsync(string knob) =>
        Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", Neo4j, "--entrypoint", "rm", Neo4jImage, "-f", "/data/.standin/" + knob);

    public Task ClearKnobAsync(string knob) => Sh.DockerRequireAsync("exec", Neo4j, "rm", "-f", "/data/.standin/" + knob);

    /// <summary>Every upload by relative path with its SHA-256.</summary>
    public static IReadOnlyDictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>The volumes restores to a point in time keep this platform's data directories in.</summary>
    public async Task<IReadOnlyList<string>> KeptPostgresVolumesAsync()
    {
        var listed = await Sh.DockerAsync(
            "volume", "ls", "--filter", "label=summit-dr.kept.container=" + Postgres, "--format", "{{.Name}}");
        return listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public IReadOnlyList<string> VisibleBackups() => Directory.Exists(BackupRoot)
        ? Directory.GetDirectories(BackupRoot).Select(d => Path.GetFileName(d)!).Where(n => !n.StartsWith('.') && n != "wal").ToList()
        : [];

    public IReadOnlyList<string> UnfinishedBackups() => Directory.Exists(BackupRoot)
        ? Directory.GetDirectories(BackupRoot, ".incomplete-*").ToList()
        : [];

    public async ValueTask DisposeAsync()
    {
        // One-offs first: a volume still referenced by one of them would survive the removal of its owner.
        await Sh.DockerAsync(
            "rm", "--force", Workbench, "summit-dr-info-" + Neo4j, "summit-dr-size-" + Neo4j, "summit-dr-wal-" + Postgres,
            "summit-dr-pgadmin-" + Postgres);
        await Sh.DockerAsync("rm", "--force", "--volumes", Postgres, Neo4j);
        await Sh.DockerAsync("volume", "rm", "--force", "summit-dr-wal-" + Postgres);
        foreach (var volume in await KeptPostgresVolumesAsync())
        {
            await Sh.DockerAsync("volume", "rm", "--force", volume);
        }

        if (_neo4jData is { } data && !data.StartsWith('/'))
        {
            await Sh.DockerAsync("volume", "rm", "--force", data);
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
        await Sh.DockerRequireAsync(["run", "-d", "--name", Postgres, "--network", "none", .. Labels("postgres"),
            "-e", "POSTGRES_USER=" + User, "-e", "POSTGRES_PASSWORD=pg-" + Prefix, "-e", "POSTGRES_DB=" + Database, Repo.PostgresImage]);
        await Sh.DockerRequireAsync(
            ["run", "-d", "--name", Neo4j, "--network", "none", .. Labels("neo4j"), "-e", $"NEO4J_AUTH=neo4j/{Neo4jPassword}",
            .. _neo4jData is null ? Array.Empty<string>() : ["-v", _neo4jData + ":/data"], Neo4jImage]);
        await WaitForPostgresAsync(Postgres, User, Database);
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
    public static Task WaitForPostgresAsync(string container, string user, string database) =>
        WaitAsync(async () =>
            (await Sh.DockerAsync("exec", container, "psql", "-U", user, "-d", database, "-c", "SELECT 1")).ExitCode == 0
            && (await Sh.DockerAsync("exec", container, "cat", "/proc/1/comm")).StandardOutput.Trim() == "postgres", "PostgreSQL");

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
