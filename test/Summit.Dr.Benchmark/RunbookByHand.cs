using System.Diagnostics;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>
/// The runbook's backup and restore, command by command, as its two shell scripts run them: one after the
/// other, `docker stop` with its default timeout, the Neo4j dump and load through `--to-path`/`--from-path`
/// on a bind-mounted backup directory, tar for the uploads. Neither script waits for Neo4j to answer.
/// </summary>
internal static class RunbookByHand
{
    public static async Task<double> BackupAsync(Platform platform, string directory)
    {
        Directory.CreateDirectory(directory);
        // neo4j-admin writes the dump as uid 7474 into the bind-mounted directory.
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("777", 8));
        var started = Stopwatch.GetTimestamp();
        await using (var dump = File.Create(Path.Combine(directory, "postgres.dump")))
        {
            Require(await Sh.RunAsync(
                "docker", ["exec", platform.Postgres, "pg_dump", "-U", platform.User, "-d", platform.Database, "-Fc"], stdout: dump));
        }

        await Sh.DockerRequireAsync("stop", platform.Neo4j);
        await Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, "-v", directory + ":/backups", platform.Neo4jImage,
            "neo4j-admin", "database", "dump", "neo4j", "--to-path=/backups");
        await Sh.DockerRequireAsync("start", platform.Neo4j);
        await Sh.RequireAsync(
            "tar", "-czf", Path.Combine(directory, "uploads.tar.gz"), "-C", Path.GetDirectoryName(platform.Uploads)!, "uploads");
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    public static async Task<double> RestoreAsync(Platform platform, string directory)
    {
        var started = Stopwatch.GetTimestamp();
        await Sh.DockerRequireAsync("exec", platform.Postgres, "dropdb", "-U", platform.User, "--force", platform.Database);
        await Sh.DockerRequireAsync("exec", platform.Postgres, "createdb", "-U", platform.User, "-O", platform.User, platform.Database);
        await using (var dump = File.OpenRead(Path.Combine(directory, "postgres.dump")))
        {
            Require(await Sh.RunAsync(
                "docker", ["exec", "-i", platform.Postgres, "pg_restore", "-U", platform.User, "-d", platform.Database, "--no-owner"],
                stdin: dump));
        }

        await Sh.DockerRequireAsync("stop", platform.Neo4j);
        await Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, "-v", directory + ":/backups", platform.Neo4jImage,
            "neo4j-admin", "database", "load", "neo4j", "--from-path=/backups", "--overwrite-destination=true");
        await Sh.DockerRequireAsync("start", platform.Neo4j);
        Directory.Delete(platform.Uploads, recursive: true);
        await Sh.RequireAsync("tar", "-xzf", Path.Combine(directory, "uploads.tar.gz"), "-C", Path.GetDirectoryName(platform.Uploads)!);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static void Require(CliWrap.Buffered.BufferedCommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.StandardError);
        }
    }
}
