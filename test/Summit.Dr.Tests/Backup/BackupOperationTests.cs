using System.Security.Cryptography;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Errors;
using Summit.Dr.Model;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Backup;

[TestFixture]
[CancelAfter(30_000)]
public sealed class BackupOperationTests
{
    [Test]
    public async Task Backup_stops_neo4j_only_around_its_dump_and_waits_until_it_answers()
    {
        using var harness = new CoreHarness();

        await harness.RunBackupAsync();

        int First(Func<ProcessSpec, bool> match) => harness.Docker.Calls.ToList().FindIndex(c => match(c));
        var stop = First(FakeDocker.IsStop);
        var start = First(FakeDocker.IsStart);
        var dump = First(FakeDocker.IsNeo4jDump);
        var answered = harness.Docker.Calls.Select((c, i) => (c, i)).First(p => p.i > start && p.c.Arguments.Contains("cypher-shell")).i;
        Assert.Multiple(() =>
        {
            Assert.That(First(c => c.Arguments.Contains("cypher-shell")), Is.GreaterThanOrEqualTo(0).And.LessThan(stop),
                "node count is read while Neo4j still runs");
            Assert.That(First(FakeDocker.IsBenchStart), Is.GreaterThanOrEqualTo(0).And.LessThan(stop), "the container neo4j-admin runs " +
                "in is started before Neo4j goes down");
            Assert.That(First(c => c.Arguments.Contains("pgrep")), Is.LessThan(stop), "and is ready before it");
            Assert.That(First(c => c.Arguments.Contains("stat")), Is.LessThan(stop), "whether the engine sees the backup directory is " +
                "known before Neo4j goes down");
            Assert.That(First(FakeDocker.IsPgDump), Is.LessThan(stop), "PostgreSQL is dumped before the stop");
            Assert.That(First(c => c.Arguments.Contains("--list")), Is.LessThan(stop), "and its dump checked before it");
            Assert.That(stop, Is.LessThan(dump));
            Assert.That(dump, Is.LessThan(start));
            Assert.That(start, Is.LessThan(answered), "the tool waits until Neo4j answers");
            Assert.That(First(FakeDocker.IsNeo4jInfo), Is.GreaterThan(start), "the dump is read back after Neo4j is up again");
            Assert.That(harness.Docker.Lines.Last(l => !l.Contains("summit-dr-lock-", StringComparison.Ordinal)),
                Is.EqualTo("rm --force " + FakeDocker.Bench), "the workbench is removed at the end");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
        });
    }

    [Test]
    public async Task Nothing_of_the_tools_own_work_runs_while_neo4j_is_down_but_its_dump()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        var manifest = await ManifestFiles.ReadAsync(result.Directory, CancellationToken.None);
        var (down, up) = (manifest.Neo4j.StoppedAt!.Value, manifest.Neo4j.StartedAt!.Value);
        var overlapping = manifest.Steps!.Where(s => s.StartedAt < up && s.FinishedAt > down).Select(s => s.Name);
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Steps!.Select(s => s.Name),
                Is.SupersetOf(new[] { "postgres dump", "postgres verify", "uploads archive", "neo4j dump", "neo4j verify" }));
            Assert.That(overlapping, Is.EqualTo(new[] { "neo4j dump" }), "the steps whose time overlaps Neo4j's downtime");
            Assert.That(up, Is.GreaterThan(down));
        });
    }

    [Test]
    public async Task A_failed_pg_dump_ends_the_row_counting_session_and_fails_the_backup()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsPgDump, 1, "pg_dump: error: connection to server failed");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("pg_dump of database 'intelgraph_dev'").And.Contain("connection to server failed"));
        Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
    }

    [Test]
    public async Task Backup_passes_exact_argument_arrays_to_docker()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        var calls = harness.Docker.Calls;
        var directory = Path.Combine(harness.Root, ".incomplete-" + Path.GetFileName(result.Directory), "neo4j-dump.tmp");
        Assert.Multiple(() =>
        {
            Assert.That(calls.Single(FakeDocker.IsPgDump).Arguments,
                Is.EqualTo(new[] { "exec", "postgres", "pg_dump", "-U", "intelgraph", "-d", "intelgraph_dev", "-Fc", "-Z", "1",
                    "--snapshot=00000003-0000001B-1" }),
                "pg_dump runs in the snapshot the row-counting session exported");
            Assert.That(calls.Single(FakeDocker.IsSession).Arguments,
                Is.EqualTo(new[] { "exec", "-i", "postgres", "psql", "-U", "intelgraph", "-d", "intelgraph_dev", "-X", "-A", "-t", "-q",
                    "-F", "\t", "-v", "ON_ERROR_STOP=1" }));
            Assert.That(calls.Single(FakeDocker.IsStop).Arguments, Is.EqualTo(new[] { "stop", "--time", "120", "neo4j" }));
            Assert.That(calls.Single(FakeDocker.IsBenchStart).Arguments, Is.EqualTo(new[]
            {
                "run", "-d", "--rm", "--network", "none", "--stop-timeout", "0", "--name", FakeDocker.Bench, "--label",
                $"summit-dr.owner={ProcessIdentity.Current().Token}", "--volumes-from", "neo4j",
                "--mount", $"type=bind,source={directory},target=/summit-dr", "neo4j:5.24.0-community", "sleep", "86400",
            }), "started through the image's own entrypoint, as the server is");
            Assert.That(calls.Single(FakeDocker.IsNeo4jDump).Arguments, Is.EqualTo(new[]
            {
                "exec", "--user", "neo4j", FakeDocker.Bench, "neo4j-admin", "database", "dump", "neo4j", "--to-path=/summit-dr",
            }), "neo4j-admin writes the dump itself, as the runbook's --to-path does, as the store's owner");
            Assert.That(calls.Single(FakeDocker.IsNeo4jInfo).Arguments, Is.EqualTo(new[]
            {
                "exec", "--user", "neo4j", FakeDocker.Bench, "neo4j-admin", "database", "load", "neo4j", "--from-path=/summit-dr", "--info",
            }));
            Assert.That(calls.Single(FakeDocker.IsStart).Arguments, Is.EqualTo(new[] { "start", "neo4j" }));
            Assert.That(calls.Count(c => c.Arguments.SequenceEqual(new[] { "rm", "--force", FakeDocker.Bench })), Is.EqualTo(1));
            Assert.That(calls.All(c => c.FileName == "docker"), Is.True);
        });
    }

    [Test]
    public async Task Whatever_the_images_entrypoint_prints_never_reaches_the_dump()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(result.Directory, "neo4j.dump")), Is.EqualTo(harness.Docker.Neo4jDump));
            Assert.That(result.Manifest!.Neo4j.Artifact!.Sha256,
                Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(harness.Docker.Neo4jDump))));
            Assert.That(result.Manifest!.Neo4j.Artifact.Size, Is.EqualTo(harness.Docker.Neo4jDump.Length));
            Assert.That(Directory.Exists(Path.Combine(result.Directory, "neo4j-dump.tmp")), Is.False, "the bind-mounted directory is gone");
        });
    }

    [Test]
    public async Task An_engine_that_cannot_see_the_backup_directory_gets_the_dump_streamed_past_the_entrypoint()
    {
        using var harness = new CoreHarness();
        harness.Docker.EngineSeesHost = false;

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Single(FakeDocker.IsNeo4jDump).Arguments, Is.EqualTo(new[]
            {
                "exec", "--user", "neo4j", FakeDocker.Bench, "neo4j-admin", "database", "dump", "neo4j", "--to-stdout",
            }), "docker exec bypasses the entrypoint, which may print on stdout; neo4j-admin runs as the store's owner");
            Assert.That(harness.Docker.Calls.Where(FakeDocker.IsBenchStart).Last().Arguments, Has.None.EqualTo("--mount"),
                "started again without the mount");
            Assert.That(File.ReadAllBytes(Path.Combine(result.Directory, "neo4j.dump")), Is.EqualTo(harness.Docker.Neo4jDump));
            Assert.That(harness.Docker.Calls.Single(FakeDocker.IsNeo4jInfo).Arguments, Does.Contain("-i").And.Contain("--from-stdin"),
                "the dump is read back through stdin");
        });
    }

    [Test]
    public async Task A_remote_engine_that_has_a_directory_of_the_same_name_is_not_taken_for_this_disk()
    {
        using var harness = new CoreHarness();
        // The mount succeeds (the engine's machine has such a path), but the probe file is not there.
        harness.Docker.When(c => c.Arguments.Contains("stat"), 1, "stat: cannot statx '/summit-dr/.summit-dr-probe': No such file or " +
            "directory");

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Single(FakeDocker.IsNeo4jDump).Arguments, Does.Contain("--to-stdout"));
            Assert.That(File.ReadAllBytes(Path.Combine(result.Directory, "neo4j.dump")), Is.EqualTo(harness.Docker.Neo4jDump));
        });
    }

    [Test]
    public async Task One_offs_run_as_the_servers_own_user_so_the_entrypoint_never_takes_the_store_away()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].User = "1000:1000";

        await harness.RunBackupAsync();

        var bench = harness.Docker.Calls.Single(FakeDocker.IsBenchStart).Arguments;
        var dump = harness.Docker.Calls.Single(FakeDocker.IsNeo4jDump).Arguments;
        var info = harness.Docker.Calls.Single(FakeDocker.IsNeo4jInfo).Arguments;
        Assert.Multiple(() =>
        {
            Assert.That(bench[bench.ToList().IndexOf("--user") + 1], Is.EqualTo("1000:1000"));
            Assert.That(dump[dump.ToList().IndexOf("--user") + 1], Is.EqualTo("1000:1000"));
            Assert.That(info[info.ToList().IndexOf("--user") + 1], Is.EqualTo("1000:1000"));
        });
    }

    [Test]
    public async Task Backup_uses_the_4_4_syntax_when_the_image_is_4_x()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Image = "neo4j:4.4.30-community";
        harness.Docker.Containers["neo4j"].Environment = ["NEO4J_AUTH=neo4j/pw"];

        var result = await harness.RunBackupAsync();

        var dump = harness.Docker.Calls.Single(FakeDocker.IsNeo4jDump).Arguments;
        Assert.Multiple(() =>
        {
            Assert.That(dump.SkipWhile(a => a != "neo4j-admin"),
                Is.EqualTo(new[] { "neo4j-admin", "dump", "--database=neo4j", "--to=/summit-dr/neo4j.dump" }));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsNeo4jInfo), Is.False, "4.4 has no load --info");
            Assert.That(result.Manifest!.Neo4j.AdminSyntax, Is.EqualTo("4.4"));
        });
    }

    [Test]
    public void Backup_without_an_uploads_directory_is_refused_before_anything_is_stopped()
    {
        using var harness = new CoreHarness(withUploads: false);

        var refused = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("uploads directory").And.Contain("does not exist")
                .And.Contain("--only postgres,neo4j").And.Contain("Uploads:Optional=true"));
            Assert.That(harness.Docker.Lines, Has.None.StartsWith("stop"), "nothing was stopped");
            Assert.That(harness.VisibleBackups(), Is.Empty);
        });
    }

    [Test]
    public async Task Backup_without_an_uploads_directory_that_is_optional_warns_and_says_so_in_the_manifest()
    {
        using var harness = new CoreHarness(o => o.Uploads.Optional = true, withUploads: false);

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Uploads.Status, Is.EqualTo(ComponentStatus.Missing));
            Assert.That(result.Manifest!.Warnings, Has.Some.Contains("does not exist"));
            Assert.That(File.Exists(Path.Combine(result.Directory, "uploads.tar.gz")), Is.False);
            Assert.That(harness.Log.Text, Does.Contain("Warning: Uploads directory"));
        });
    }
}
