using System.Security.Cryptography;
using Summit.Dr.Backup;
using Summit.Dr.Docker;
using Summit.Dr.Errors;
using Summit.Dr.Manifest;
using Summit.Dr.Processes;
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
            Assert.That(First(c => c.Arguments.Contains("cypher-shell")), Is.GreaterThanOrEqualTo(0).And.LessThan(stop), "node count is read while Neo4j still runs");
            Assert.That(First(FakeDocker.IsBenchStart), Is.GreaterThanOrEqualTo(0).And.LessThan(stop), "the container neo4j-admin runs in is started before Neo4j goes down");
            Assert.That(First(c => c.Arguments.Contains("pgrep")), Is.LessThan(stop), "and is ready before it");
            Assert.That(First(c => c.Arguments.Contains("stat")), Is.LessThan(stop), "whether the engine sees the backup directory is known before Neo4j goes down");
            Assert.That(First(FakeDocker.IsPgDump), Is.LessThan(stop), "PostgreSQL is dumped before the stop");
            Assert.That(First(c => c.Arguments.Contains("--list")), Is.LessThan(stop), "and its dump checked before it");
            Assert.That(stop, Is.LessThan(dump));
            Assert.That(dump, Is.LessThan(start));
            Assert.That(start, Is.LessThan(answered), "the tool waits until Neo4j answers");
            Assert.That(First(FakeDocker.IsNeo4jInfo), Is.GreaterThan(start), "the dump is read back after Neo4j is up again");
            Assert.That(harness.Docker.Lines[^1], Is.EqualTo("rm --force " + FakeDocker.Bench), "the workbench is removed at the end");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
        });
    }

    [Test]
    public async Task Nothing_of_the_tools_own_work_runs_while_neo4j_is_down_but_its_dump()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        var manifest = await BackupManifest.ReadAsync(result.Directory, CancellationToken.None);
        var (down, up) = (manifest.Neo4j.StoppedAt!.Value, manifest.Neo4j.StartedAt!.Value);
        var overlapping = manifest.Steps!.Where(s => s.StartedAt < up && s.FinishedAt > down).Select(s => s.Name);
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Steps!.Select(s => s.Name), Is.SupersetOf(new[] { "postgres dump", "postgres verify", "uploads archive", "neo4j dump", "neo4j verify" }));
            Assert.That(overlapping, Is.EqualTo(new[] { "neo4j dump" }), "the steps whose time overlaps Neo4j's downtime");
            Assert.That(up, Is.GreaterThan(down));
        });
    }

    [Test]
    public async Task The_manifest_records_the_facts_a_drill_proves_against()
    {
        using var harness = new CoreHarness();
        harness.Docker.RowCounts["public.risk_signals"] = 3000;

        var result = await harness.RunBackupAsync();

        var tree = await Summit.Dr.Uploads.UploadsTreeHash.OfDirectoryAsync(Path.Combine(harness.WorkDir, "server", "uploads"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Postgres.RowCounts, Is.EquivalentTo(harness.Docker.RowCounts), "exact counts, from the session whose snapshot pg_dump used");
            Assert.That(result.Manifest!.Neo4j.RelationshipCount, Is.Not.Null);
            Assert.That(result.Manifest!.Uploads.TreeSha256, Is.EqualTo(tree));
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
                Is.EqualTo(new[] { "exec", "postgres", "pg_dump", "-U", "intelgraph", "-d", "intelgraph_dev", "-Fc", "-Z", "1", "--snapshot=00000003-0000001B-1" }),
                "pg_dump runs in the snapshot the row-counting session exported");
            Assert.That(calls.Single(FakeDocker.IsSession).Arguments,
                Is.EqualTo(new[] { "exec", "-i", "postgres", "psql", "-U", "intelgraph", "-d", "intelgraph_dev", "-X", "-A", "-t", "-q", "-F", "\t", "-v", "ON_ERROR_STOP=1" }));
            Assert.That(calls.Single(FakeDocker.IsStop).Arguments, Is.EqualTo(new[] { "stop", "--time", "120", "neo4j" }));
            Assert.That(calls.Single(FakeDocker.IsBenchStart).Arguments, Is.EqualTo(new[]
            {
                "run", "-d", "--rm", "--network", "none", "--name", FakeDocker.Bench, "--volumes-from", "neo4j",
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
            Assert.That(result.Manifest!.Neo4j.Artifact!.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(harness.Docker.Neo4jDump))));
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
            Assert.That(harness.Docker.Calls.Where(FakeDocker.IsBenchStart).Last().Arguments, Has.None.EqualTo("--mount"), "started again without the mount");
            Assert.That(File.ReadAllBytes(Path.Combine(result.Directory, "neo4j.dump")), Is.EqualTo(harness.Docker.Neo4jDump));
            Assert.That(harness.Docker.Calls.Single(FakeDocker.IsNeo4jInfo).Arguments, Does.Contain("-i").And.Contain("--from-stdin"), "the dump is read back through stdin");
        });
    }

    [Test]
    public async Task A_remote_engine_that_has_a_directory_of_the_same_name_is_not_taken_for_this_disk()
    {
        using var harness = new CoreHarness();
        // The mount succeeds (the engine's machine has such a path), but the probe file is not there.
        harness.Docker.When(c => c.Arguments.Contains("stat"), 1, "stat: cannot statx '/summit-dr/.summit-dr-probe': No such file or directory");

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
            Assert.That(dump.SkipWhile(a => a != "neo4j-admin"), Is.EqualTo(new[] { "neo4j-admin", "dump", "--database=neo4j", "--to=/summit-dr/neo4j.dump" }));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsNeo4jInfo), Is.False, "4.4 has no load --info");
            Assert.That(result.Manifest!.Neo4j.AdminSyntax, Is.EqualTo("4.4"));
        });
    }

    [Test]
    public void Backup_restarts_neo4j_when_the_dump_fails()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, 1, "Active logical log detected, this might be a source of inconsistencies.");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("Active logical log detected"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_the_dump_process_cannot_run()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, (_, _) => throw new IOException("disk full"));

        var error = Assert.ThrowsAsync<IOException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Is.EqualTo("disk full"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_docker_stop_fails_halfway()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsStop, (spec, _) =>
        {
            harness.Docker.Containers["neo4j"].Running = false;
            return Task.FromResult(FakeDocker.Result(1, stderr: "Error response from daemon: cannot stop container: timeout"));
        });

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("cannot stop container"));
    }

    [Test]
    public void A_failed_postgres_dump_never_stops_neo4j()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsPgDump, 1, "pg_dump: error: connection to server failed: FATAL:  role \"intelgraph\" does not exist");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jUntouchedAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("pg_dump of database 'intelgraph_dev' in container 'postgres' failed").And.Contain("role"));
    }

    [Test]
    public void Backup_restarts_neo4j_when_the_dump_verification_fails()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jInfo, 1, "Not a valid Neo4j archive: the archive is truncated or corrupt");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(error!.Message, Does.Contain("Verification failed").And.Contain("neo4j.dump"));
    }

    [Test]
    public async Task Backup_restarts_neo4j_when_cancelled_during_the_dump()
    {
        using var harness = new CoreHarness();
        using var cancellation = new CancellationTokenSource();
        var dumpStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Docker.When(FakeDocker.IsNeo4jDump, async (_, token) =>
        {
            dumpStarted.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return FakeDocker.Result();
        });

        var backup = harness.RunBackupAsync(cancellation.Token);
        await dumpStarted.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cancellation.CancelAsync();

        Assert.That(async () => await backup, Throws.InstanceOf<OperationCanceledException>());
        AssertNeo4jBackAndNothingVisible(harness);
        Assert.That(harness.Docker.IndexOf(l => l == "rm --force " + FakeDocker.Bench), Is.LessThan(harness.Docker.IndexOf(l => l.StartsWith("start", StringComparison.Ordinal))),
            "the workbench is removed before Neo4j starts: killing the docker client does not end the dump, which holds the store lock");
    }

    [Test]
    public void Backup_reports_the_dump_error_and_the_restart_error_together()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(FakeDocker.IsNeo4jDump, 1, "Dump failed for database 'neo4j'");
        harness.Docker.When(FakeDocker.IsStart, 1, "Error response from daemon: driver failed programming external connectivity");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("Dump failed for database 'neo4j'"));
            Assert.That(error.Message, Does.Contain("is not answering again").And.Contain("docker start neo4j"));
            Assert.That(File.Exists(StopJournal.PathIn(harness.Root)), Is.True, "the journal stays so the next run restarts Neo4j");
            Assert.That(harness.VisibleBackups(), Is.Empty);
        });
    }

    [Test]
    public async Task Backup_dumps_a_stopped_neo4j_offline_and_leaves_it_stopped()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["neo4j"].Running = false;

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False);
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStart), Is.False);
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.False);
            Assert.That(result.Manifest!.Neo4j.WasRunning, Is.False);
            Assert.That(result.Manifest!.Neo4j.NodeCount, Is.Null);
            Assert.That(result.Manifest!.Neo4j.Status, Is.EqualTo(ComponentStatus.Captured));
        });
    }

    [Test]
    public void Backup_fails_on_an_empty_postgres_dump()
    {
        using var harness = new CoreHarness();
        harness.Docker.PostgresDump = [];

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("postgres.dump is empty"));
        AssertNeo4jUntouchedAndNothingVisible(harness);
    }

    [Test]
    public void Backup_fails_when_pg_restore_cannot_read_the_dump()
    {
        using var harness = new CoreHarness();
        harness.Docker.When(s => s.Arguments.Contains("pg_restore"), 1, "pg_restore: error: input file does not appear to be a valid archive");

        var error = Assert.ThrowsAsync<OperationFailedException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("pg_restore cannot read postgres.dump"));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Failed));
        AssertNeo4jUntouchedAndNothingVisible(harness);
    }

    [Test]
    public void Backup_refuses_with_exit_3_when_the_postgres_container_is_missing()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.ExitCode, Is.EqualTo(3));
            Assert.That(error.Message, Does.Contain("'postgres' not found").And.Contain("docker ps -a"));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False, "nothing is stopped before the preconditions hold");
        });
    }

    [Test]
    public void Backup_refuses_with_exit_3_when_the_postgres_container_is_stopped()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers["postgres"].Running = false;

        var error = Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());

        Assert.That(error!.Message, Does.Contain("is exited, not running").And.Contain("docker start postgres"));
    }

    [Test]
    public void Backup_does_not_take_a_container_whose_name_only_contains_the_configured_one()
    {
        using var harness = new CoreHarness();
        harness.Docker.Containers.Remove("postgres");
        // docker inspect resolves id prefixes; a container that answers under another name is not ours.
        harness.Docker.When(s => s.Arguments.SequenceEqual(new[] { "inspect", "--type", "container", "postgres" }),
            (_, _) => Task.FromResult(FakeDocker.Result(stdout: new FakeContainer("summit-postgres", "postgres:16", true, []).InspectJson())));

        Assert.ThrowsAsync<PreconditionException>(() => harness.RunBackupAsync());
    }

    [Test]
    public async Task Backup_without_an_uploads_directory_warns_and_says_so_in_the_manifest()
    {
        using var harness = new CoreHarness(withUploads: false);

        var result = await harness.RunBackupAsync();

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Uploads.Status, Is.EqualTo(ComponentStatus.Missing));
            Assert.That(result.Manifest!.Warnings, Has.Some.Contains("does not exist"));
            Assert.That(File.Exists(Path.Combine(result.Directory, "uploads.tar.gz")), Is.False);
            Assert.That(harness.Log.Text, Does.Contain("Warning: Uploads directory"));
        });
    }

    [Test]
    public async Task Manifest_records_sizes_checksums_sources_and_facts()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        var manifest = await BackupManifest.ReadAsync(result.Directory, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(manifest.FormatVersion, Is.EqualTo(1));
            Assert.That(manifest.ToolVersion, Is.EqualTo("9.9.9-test"));
            Assert.That(manifest.Kind, Is.EqualTo(BackupKind.Regular));
            Assert.That(manifest.Name, Is.EqualTo(Path.GetFileName(result.Directory)));
            foreach (var artifact in manifest.Artifacts)
            {
                var bytes = File.ReadAllBytes(Path.Combine(result.Directory, artifact.File));
                Assert.That(artifact.Size, Is.EqualTo(bytes.Length), artifact.File);
                Assert.That(artifact.Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(bytes))), artifact.File);
                Assert.That(artifact.FinishedAt, Is.GreaterThanOrEqualTo(artifact.StartedAt));
            }

            Assert.That(manifest.Artifacts.Select(a => a.File), Is.EquivalentTo(new[] { "postgres.dump", "neo4j.dump", "uploads.tar.gz" }));
            Assert.That(manifest.Postgres.Source, Is.EqualTo(new SourceRecord("postgres", "postgres:16-alpine", "15.18")));
            Assert.That(manifest.Postgres.TableCount, Is.EqualTo(2));
            Assert.That(manifest.Postgres.RowEstimates!["public.users"], Is.EqualTo(1000));
            Assert.That(manifest.Neo4j.NodeCount, Is.EqualTo(42));
            Assert.That(manifest.Neo4j.Source!.ServerVersion, Is.EqualTo("5.24.0"));
            Assert.That(manifest.Neo4j.DowntimeSeconds, Is.GreaterThan(0));
            Assert.That(manifest.Uploads.Files, Is.EqualTo(2));
            Assert.That(manifest.Uploads.Bytes, Is.EqualTo(33));
            Assert.That(manifest.Window!.Start, Is.EqualTo(manifest.Artifacts.Min(a => a.StartedAt)));
            Assert.That(manifest.Window.End, Is.EqualTo(manifest.Artifacts.Max(a => a.FinishedAt)));
            Assert.That(File.Exists(Path.Combine(result.Directory, "summit-dr.log")), Is.True);
        });
    }

    [Test]
    public async Task A_manifest_without_a_server_version_or_any_artifact_reads_back()
    {
        using var harness = new CoreHarness(withUploads: false);
        harness.Docker.Containers["neo4j"].Image = "registry.local/graph:prod";
        harness.Docker.Containers["neo4j"].Environment = ["NEO4J_AUTH=neo4j/s3cret-Pa55"];

        var graph = await harness.Backup.RunAsync(new BackupRequest(null, BackupComponents.Parse("neo4j"), DryRun: false), CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var empty = await harness.Backup.RunAsync(new BackupRequest(null, BackupComponents.Parse("uploads"), DryRun: false), CancellationToken.None);

        var first = await BackupManifest.ReadAsync(graph.Directory, CancellationToken.None);
        var second = await BackupManifest.ReadAsync(empty.Directory, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first.Neo4j.Source!.ServerVersion, Is.Null, "an image tag that names no version");
            Assert.That(second.Window, Is.Null, "nothing was captured: the uploads directory does not exist");
        });
    }

    [Test]
    public async Task Passwords_travel_only_in_the_environment()
    {
        using var harness = new CoreHarness(o => o.Postgres.Password = "pg-Secret-42");

        var result = await harness.RunBackupAsync();

        var calls = harness.Docker.Calls;
        var everything = string.Join('\n', Directory.GetFiles(result.Directory).Select(File.ReadAllText)) + harness.Log.Text;
        Assert.Multiple(() =>
        {
            Assert.That(calls.SelectMany(c => c.Arguments), Has.None.Contains("s3cret-Pa55").And.None.Contains("pg-Secret-42"));
            Assert.That(calls.Where(c => c.Arguments.Contains("cypher-shell")).Select(c => c.Environment["NEO4J_PASSWORD"]), Is.All.EqualTo("s3cret-Pa55"));
            Assert.That(calls.Single(FakeDocker.IsPgDump).Environment["PGPASSWORD"], Is.EqualTo("pg-Secret-42"));
            Assert.That(calls.Single(FakeDocker.IsPgDump).Arguments, Does.Contain("PGPASSWORD"));
            Assert.That(everything, Does.Not.Contain("s3cret-Pa55").And.Not.Contain("pg-Secret-42"));
        });
    }

    [Test]
    public async Task Only_captures_the_selected_components()
    {
        using var harness = new CoreHarness();

        var result = await harness.Backup.RunAsync(new BackupRequest(null, BackupComponents.Parse("postgres,uploads"), DryRun: false), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Neo4j.Status, Is.EqualTo(ComponentStatus.Skipped));
            Assert.That(harness.Docker.Lines, Has.None.Contains("neo4j"));
            Assert.That(File.Exists(Path.Combine(result.Directory, "postgres.dump")), Is.True);
        });
    }

    private static void AssertNeo4jUntouchedAndNothingVisible(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsStop), Is.False, "Neo4j was never stopped");
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True);
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False, "the workbench is removed");
            Assert.That(harness.AllDirectories(), Is.Empty, "no backup and no unfinished directory is left");
            Assert.That(File.Exists(Path.Combine(harness.Root, ".summit-dr.lock")), Is.False, "the lock is released");
            Assert.That(Directory.GetFiles(harness.Root, ".failed-*.log"), Has.Length.EqualTo(1), "the failed run's log is kept");
        });
    }

    private static void AssertNeo4jBackAndNothingVisible(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Containers["neo4j"].Running, Is.True, "Neo4j is running again");
            Assert.That(harness.Docker.Calls.SkipWhile(c => !FakeDocker.IsStart(c)).Any(c => c.Arguments.Contains("cypher-shell")), Is.True, "the tool waited until Neo4j answered");
            Assert.That(harness.Docker.Containers.ContainsKey(FakeDocker.Bench), Is.False, "the workbench is removed");
            Assert.That(harness.AllDirectories(), Is.Empty, "no backup and no unfinished directory is left");
            Assert.That(File.Exists(StopJournal.PathIn(harness.Root)), Is.False, "the stop journal is cleared once Neo4j answers");
            Assert.That(File.Exists(Path.Combine(harness.Root, ".summit-dr.lock")), Is.False, "the lock is released");
            Assert.That(Directory.GetFiles(harness.Root, ".failed-*.log"), Has.Length.EqualTo(1), "the failed run's log is kept");
        });
    }
}
