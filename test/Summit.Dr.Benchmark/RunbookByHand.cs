using System.Diagnostics;
using Summit.Dr.Testing;

namespace Summit.Dr.Benchmark;

/// <summary>The runbook's backup and restore, command by command, as its shell scripts run them (sequentially).</summary>
internal static class RunbookByHand
{
    public static async Task<Measurement> BackupAsync(Platform platform, string directory)
    {
        Directory.CreateDirectory(directory);
        var started = Stopwatch.GetTimestamp();
        await using (var dump = File.Create(Path.Combine(directory, "postgres.dump")))
        {
            Require(await Sh.RunAsync("docker", ["exec", platform.Postgres, "pg_dump", "-U", platform.User, "-d", platform.Database, "-Fc"], stdout: dump));
        }

        var stopped = Stopwatch.GetTimestamp();
        await Sh.DockerRequireAsync("stop", platform.Neo4j);
        await using (var dump = File.Create(Path.Combine(directory, "neo4j.dump")))
        {
            Require(await Sh.RunAsync("docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, Repo.Neo4jImage,
                "neo4j-admin", "database", "dump", "neo4j", "--to-stdout"], stdout: dump));
        }

        await Sh.DockerRequireAsync("start", platform.Neo4j);
        await WaitForNeo4jAsync(platform);
        var downtime = Stopwatch.GetElapsedTime(stopped).TotalSeconds;
        await Sh.RequireAsync("tar", "-czf", Path.Combine(directory, "uploads.tar.gz"), "-C", Path.GetDirectoryName(platform.Uploads)!, "uploads");
        return new Measurement(Stopwatch.GetElapsedTime(started).TotalSeconds, downtime, null);
    }

    public static async Task<Measurement> RestoreAsync(Platform platform, string directory)
    {
        var started = Stopwatch.GetTimestamp();
        await Sh.DockerRequireAsync("exec", platform.Postgres, "dropdb", "-U", platform.User, "--force", platform.Database);
        await Sh.DockerRequireAsync("exec", platform.Postgres, "createdb", "-U", platform.User, "-O", platform.User, platform.Database);
        await using (var dump = File.OpenRead(Path.Combine(directory, "postgres.dump")))
        {
            Require(await Sh.RunAsync("docker", ["exec", "-i", platform.Postgres, "pg_restore", "-U", platform.User, "-d", platform.Database, "--no-owner"], stdin: dump));
        }

        var stopped = Stopwatch.GetTimestamp();
        await Sh.DockerRequireAsync("stop", platform.Neo4j);
        await using (var dump = File.OpenRead(Path.Combine(directory, "neo4j.dump")))
        {
            Require(await Sh.RunAsync("docker", ["run", "--rm", "-i", "--network", "none", "--volumes-from", platform.Neo4j, Repo.Neo4jImage,
                "neo4j-admin", "database", "load", "neo4j", "--from-stdin", "--overwrite-destination=true"], stdin: dump));
        }

        await Sh.DockerRequireAsync("start", platform.Neo4j);
        await WaitForNeo4jAsync(platform);
        var downtime = Stopwatch.GetElapsedTime(stopped).TotalSeconds;
        Directory.Delete(platform.Uploads, recursive: true);
        await Sh.RequireAsync("tar", "-xzf", Path.Combine(directory, "uploads.tar.gz"), "-C", Path.GetDirectoryName(platform.Uploads)!);
        return new Measurement(Stopwatch.GetElapsedTime(started).TotalSeconds, downtime, null);
    }

    private static async Task WaitForNeo4jAsync(Platform platform)
    {
        while (!await platform.Neo4jAnswersAsync())
        {
            await Task.Delay(100);
        }
    }

    private static void Require(CliWrap.Buffered.BufferedCommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.StandardError);
        }
    }
}
