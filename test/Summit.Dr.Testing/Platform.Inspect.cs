using System.Globalization;
using System.Security.Cryptography;

namespace Summit.Dr.Testing;

/// <summary>What a test asks of the platform: its stores' contents, its containers' state, what summit-dr left in it; and the
/// stand-in's fault knobs.</summary>
public sealed partial class Platform
{
    public async Task<string> PsqlAsync(string sql, string? database = null) =>
        (await Engine.RequireAsync(
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
        var result = await Engine.RequireAsync(
            "exec", "-e", "NEO4J_USERNAME=neo4j", "-e", "NEO4J_PASSWORD=" + Neo4jPassword, container
                ?? Neo4j, "cypher-shell", "--format", "plain", query);
        return result.Trim();
    }

    public async Task<long> NodeCountAsync(string? container = null) =>
        long.Parse((await CypherAsync("MATCH (n) RETURN count(n)", container)).Split('\n')[^1], CultureInfo.InvariantCulture);

    public async Task<bool> Neo4jAnswersAsync()
    {
        var result = await Engine.RunAsync(
            "exec", "-e", "NEO4J_USERNAME=neo4j", "-e", "NEO4J_PASSWORD=" + Neo4jPassword, Neo4j, "cypher-shell", "RETURN 1");
        return result.ExitCode == 0;
    }

    public async Task<bool> IsRunningAsync(string container)
    {
        var result = await Engine.RunAsync("inspect", "--type", "container", "--format", "{{.State.Running}}", container);
        return result.ExitCode == 0 && result.StandardOutput.Trim() == "true";
    }

    /// <summary>The start of the name of the container summit-dr runs neo4j-admin in, beside this platform's Neo4j: the pid of the
    /// run that made it follows.</summary>
    public string Workbench => $"summit-dr-admin-{Neo4j}-";

    /// <summary>The workbenches beside this platform's Neo4j, of any run.</summary>
    public async Task<IReadOnlyList<string>> WorkbenchesAsync() =>
        (await Engine.ContainersNamedAsync(Workbench)).Where(n => n.StartsWith(Workbench, StringComparison.Ordinal)).ToList();

    public async Task<bool> WorkbenchExistsAsync() => (await WorkbenchesAsync()).Count > 0;

    /// <summary>Whether `neo4j-admin ... dump` or `load` (not `load --info`) runs in a workbench now.</summary>
    public async Task<bool> AdminRunsAsync(string verb)
    {
        foreach (var workbench in await WorkbenchesAsync())
        {
            var top = await Engine.RunAsync("top", workbench);
            if (top.ExitCode == 0 && top.StandardOutput.Split('\n').Any(l =>
                l.Contains("neo4j-admin", StringComparison.Ordinal) && l.Contains($" {verb} ", StringComparison.Ordinal)
                    && !l.Contains("--info", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What summit-dr keeps aside for undo, as a user would look for it: databases, entries of /data, siblings of the uploads
    /// tree.</summary>
    public async Task<(string[] Databases, string[] Neo4jEntries, string[] UploadsSiblings)> KeptTracesAsync()
    {
        var databases = (await PsqlAsync("SELECT datname FROM pg_database WHERE datname LIKE '%\\_sdr\\_%' ORDER BY 1", "postgres"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var data = await Engine.RequireAsync("exec", Neo4j, "ls", "-A", "/data");
        var entries = data.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(
            e => e.StartsWith("summit-dr-", StringComparison.Ordinal)).ToArray();
        var siblings = Directory.GetFileSystemEntries(Path.GetDirectoryName(Uploads)!, ".summit-dr-*").Select(
            e => Path.GetFileName(e)!).ToArray();
        return (databases, entries, siblings);
    }

    /// <summary>When the container last started (docker's State.StartedAt): unchanged means it was never stopped.</summary>
    public async Task<string> StartedAtAsync(string container) =>
        (await Engine.RequireAsync("inspect", "--format", "{{.State.StartedAt}}", container)).Trim();

    public async Task<bool> ExistsAsync(string container) =>
        (await Engine.RunAsync("inspect", "--type", "container", container)).ExitCode == 0;

    /// <summary>Leaves a file owned by root in the store, as `docker exec` (root) does; the official entrypoint then warns on
    /// stdout.</summary>
    public Task AddRootOwnedFileAsync() =>
        Engine.RequireAsync("exec", Neo4j, "sh", "-c", "echo x > /data/databases/neo4j/notes.txt");

    /// <summary>Switches one of the Neo4j stand-in's fault knobs (files under /data/.standin).</summary>
    public Task SetKnobAsync(string knob, string value = "1") =>
        Engine.RequireAsync("exec", Neo4j, "sh", "-c", "mkdir -p /data/.standin && printf %s \"$1\" > " +
            "/data/.standin/$2", "knob", value, knob);

    /// <summary>Clears a knob while the server is stopped, through a one-off container on its volume.</summary>
    public Task ClearKnobInVolumeAsync(string knob) =>
        Engine.RequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", Neo4j, "--entrypoint", "rm", Neo4jImage, "-f", "/data/.standin/" + knob);

    public Task ClearKnobAsync(string knob) => Engine.RequireAsync("exec", Neo4j, "rm", "-f", "/data/.standin/" + knob);

    /// <summary>Every upload by relative path with its SHA-256.</summary>
    public static IReadOnlyDictionary<string, string> HashTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>The volumes restores to a point in time keep this platform's data directories in.</summary>
    public async Task<IReadOnlyList<string>> KeptPostgresVolumesAsync()
    {
        var listed = await Engine.RunAsync(
            "volume", "ls", "--filter", "label=summit-dr.kept.container=" + Postgres, "--format", "{{.Name}}");
        return listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public IReadOnlyList<string> VisibleBackups() => Directory.Exists(BackupRoot)
        ? Directory.GetDirectories(BackupRoot).Select(d => Path.GetFileName(d)!).Where(n => !n.StartsWith('.') && n != "wal").ToList()
        : [];

    public IReadOnlyList<string> UnfinishedBackups() => Directory.Exists(BackupRoot)
        ? Directory.GetDirectories(BackupRoot, ".incomplete-*").ToList()
        : [];
}
