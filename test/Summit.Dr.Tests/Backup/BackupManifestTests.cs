using System.Security.Cryptography;
using Summit.Dr.Archive.Manifests;
using Summit.Dr.Model;
using Summit.Dr.Operations.Backup;
using Summit.Dr.Stores.Uploads;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Backup;

/// <summary>What a backup records: the manifest's facts, checksums and sources, the stores it holds, and no secret anywhere.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class BackupManifestTests
{
    [Test]
    public async Task The_manifest_records_the_facts_a_drill_proves_against()
    {
        using var harness = new CoreHarness();
        harness.Docker.RowCounts["public.risk_signals"] = 3000;

        var result = await harness.RunBackupAsync();

        var tree = await UploadsTreeHash.OfDirectoryAsync(Path.Combine(harness.WorkDir, "server", "uploads"), CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Postgres.RowCounts, Is.EquivalentTo(harness.Docker.RowCounts), "exact counts, from the session " +
                "whose snapshot pg_dump used");
            Assert.That(result.Manifest!.Neo4j.NodeCount, Is.EqualTo(42));
            Assert.That(result.Manifest!.Neo4j.RelationshipCount, Is.EqualTo(7));
            // Both counts from one cypher-shell start (a JVM each on the real image); the others wait for Neo4j to answer again.
            Assert.That(harness.Docker.Calls.Count(c => c.Arguments.Contains("cypher-shell") && !c.Arguments.Contains("MATCH (n) RETURN " +
                "count(n)")), Is.EqualTo(1));
            Assert.That(result.Manifest!.Uploads.TreeSha256, Is.EqualTo(tree));
        });
    }

    [Test]
    public async Task Manifest_records_sizes_checksums_sources_and_facts()
    {
        using var harness = new CoreHarness();

        var result = await harness.RunBackupAsync();

        var manifest = await ManifestFiles.ReadAsync(result.Directory, CancellationToken.None);
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
        using var harness = new CoreHarness(o => o.Uploads.Optional = true, withUploads: false);
        harness.Docker.Containers["neo4j"].Image = "registry.local/graph:prod";
        harness.Docker.Containers["neo4j"].Environment = ["NEO4J_AUTH=neo4j/s3cret-Pa55"];

        var graph = await harness.Backup.RunAsync(
            new BackupRequest(BackupComponents.Parse("neo4j"), DryRun: false), CancellationToken.None);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        var empty = await harness.Backup.RunAsync(
            new BackupRequest(BackupComponents.Parse("uploads"), DryRun: false), CancellationToken.None);

        var first = await ManifestFiles.ReadAsync(graph.Directory, CancellationToken.None);
        var second = await ManifestFiles.ReadAsync(empty.Directory, CancellationToken.None);
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
            Assert.That(calls.Where(c => c.Arguments.Contains("cypher-shell")).Select(c => c.Environment["NEO4J_PASSWORD"]),
                Is.All.EqualTo("s3cret-Pa55"));
            Assert.That(calls.Single(FakeDocker.IsPgDump).Environment["PGPASSWORD"], Is.EqualTo("pg-Secret-42"));
            Assert.That(calls.Single(FakeDocker.IsPgDump).Arguments, Does.Contain("PGPASSWORD"));
            Assert.That(everything, Does.Not.Contain("s3cret-Pa55").And.Not.Contain("pg-Secret-42"));
        });
    }

    [Test]
    public async Task Only_captures_the_selected_components()
    {
        using var harness = new CoreHarness();

        var result = await harness.Backup.RunAsync(
            new BackupRequest(BackupComponents.Parse("postgres,uploads"), DryRun: false), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Manifest!.Neo4j.Status, Is.EqualTo(ComponentStatus.Skipped));
            Assert.That(harness.Docker.Lines, Has.None.Contains("neo4j"));
            Assert.That(File.Exists(Path.Combine(result.Directory, "postgres.dump")), Is.True);
        });
    }
}
