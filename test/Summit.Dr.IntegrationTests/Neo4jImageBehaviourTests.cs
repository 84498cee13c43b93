using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// What the official Neo4j images do that the tool can observe, held against the image under test (the
/// stand-in by default), so the stand-in cannot drift from the behaviour the tool is built for.
/// </summary>
[TestFixture]
[CancelAfter(180_000)]
public sealed class Neo4jImageBehaviourTests
{
    [Test]
    public async Task A_one_off_of_the_image_warns_on_stdout_and_chowns_when_a_root_owned_file_is_in_data()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        await platform.AddRootOwnedFileAsync();
        await Sh.DockerRequireAsync("stop", "--time", "60", platform.Neo4j);

        var oneOff = await Sh.RunAsync("docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, platform.Neo4jImage, "neo4j-admin", "--version"]);
        var owner = await Sh.DockerRequireAsync("run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, "--entrypoint", "stat", platform.Neo4jImage,
            "-c", "%u", "/data/databases/neo4j/notes.txt");

        Assert.Multiple(() =>
        {
            Assert.That(oneOff.ExitCode, Is.Zero, oneOff.StandardError);
            Assert.That(oneOff.StandardOutput, Does.StartWith("Warning: Some files inside \"/data\" are not writable from inside container. Changing folder owner to neo4j.\n"),
                "the official entrypoint's warning goes to stdout, ahead of whatever the command prints");
            Assert.That(owner.Trim(), Is.EqualTo("7474"), "then it ran chown -R");
        });
    }

    [Test]
    public async Task Without_a_root_owned_file_a_one_off_prints_only_what_its_command_prints()
    {
        await using var platform = await Platform.StartAsync(seed: false);

        var oneOff = await Sh.RunAsync("docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, platform.Neo4jImage, "neo4j-admin", "--version"]);

        Assert.That(oneOff.StandardOutput.Trim(), Is.EqualTo("5.24.0"));
    }

    [TestCase(false, "dump", TestName = "Neo4j 5 rejects the 4.4 syntax")]
    [TestCase(true, "database", TestName = "Neo4j 4.4 rejects the 5 syntax")]
    public async Task Each_major_accepts_only_its_own_admin_syntax(bool v44, string word)
    {
        var image = v44 ? Repo.Neo4j44Image : Repo.Neo4jImage;

        var result = await Sh.RunAsync("docker", ["run", "--rm", "--network", "none", image, "neo4j-admin", word, "dump"]);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.StandardError, Does.Contain("Unmatched argument").And.Contain($"index 0: '{word}'"));
    }

    [Test]
    public async Task Cypher_shell_counts_relationships_and_a_dump_carries_them_to_a_fresh_store()
    {
        await using var platform = await Platform.StartAsync();
        Assert.That((await platform.CypherAsync("MATCH ()-[r]->() RETURN count(r)")).Split('\n'), Is.EqualTo(new[] { "count(r)", "3" }));

        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        await platform.CypherAsync("MATCH (n) DETACH DELETE n");
        Assert.That((await platform.CypherAsync("MATCH ()-[r]->() RETURN count(r)")).Split('\n')[^1], Is.EqualTo("0"));
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--only", "neo4j");
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        Assert.That((await platform.CypherAsync("MATCH ()-[r]->() RETURN count(r)")).Split('\n')[^1], Is.EqualTo("3"));
    }

    [Test]
    public async Task The_4_4_variant_declares_its_version_as_the_official_image_does()
    {
        var tarball = await Sh.DockerRequireAsync("image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", Repo.Neo4j44Image);
        // `neo4j` as the command would start the server, as the official entrypoint does; the version is asked past it.
        var version = await Sh.DockerRequireAsync("run", "--rm", "--network", "none", "--entrypoint", "neo4j", Repo.Neo4j44Image, "--version");

        Assert.That(tarball, Does.Contain("NEO4J_TARBALL=neo4j-community-4.4.36-unix.tar.gz"));
        Assert.That(version.Trim(), Is.EqualTo("neo4j 4.4.36"));
    }
}
