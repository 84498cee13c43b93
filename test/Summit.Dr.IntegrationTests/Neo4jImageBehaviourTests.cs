using Summit.Dr.Stores.Neo4j;
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

        var oneOff = await Sh.RunAsync(
            "docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, platform.Neo4jImage, "neo4j-admin",
                "--version"]);
        var owner = await Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, "--entrypoint", "stat", platform.Neo4jImage,
            "-c", "%u", "/data/databases/neo4j/notes.txt");

        Assert.Multiple(() =>
        {
            Assert.That(oneOff.ExitCode, Is.Zero, oneOff.StandardError);
            Assert.That(oneOff.StandardOutput, Does.StartWith("Warning: Some files inside \"/data\" are not writable from inside " +
                "container. Changing folder owner to neo4j.\n"),
                "the official entrypoint's warning goes to stdout, ahead of whatever the command prints");
            Assert.That(owner.Trim(), Is.EqualTo("7474"), "then it ran chown -R");
        });
    }

    [Test]
    public async Task Without_a_root_owned_file_a_one_off_prints_only_what_its_command_prints()
    {
        await using var platform = await Platform.StartAsync(seed: false);

        var oneOff = await Sh.RunAsync(
            "docker", ["run", "--rm", "--network", "none", "--volumes-from", platform.Neo4j, platform.Neo4jImage, "neo4j-admin",
                "--version"]);

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
        var nodes = (await platform.CypherAsync("MATCH (n) RETURN count(n)")).Split('\n')[^1];
        Assert.That((await platform.CypherAsync(Neo4jCommands.CountNodesAndRelationships)).Split('\n'),
            Is.EqualTo(new[] { "nodes, relationships", $"{nodes}, 3" }), "both counts in one start, in the plain format's columns");

        using var backup = await ToolRun.RunAsync(platform.WorkDir, "backup");
        Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        await platform.CypherAsync("MATCH (n) DETACH DELETE n");
        Assert.That((await platform.CypherAsync("MATCH ()-[r]->() RETURN count(r)")).Split('\n')[^1], Is.EqualTo("0"));
        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes", "--only", "neo4j");
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
        Assert.That((await platform.CypherAsync("MATCH ()-[r]->() RETURN count(r)")).Split('\n')[^1], Is.EqualTo("3"));
    }

    [TestCase(false, TestName = "Neo4j 5 dumps a copy of a stopped store named by --additional-config while the server runs, and loads " +
        "beside it")]
    [TestCase(true, TestName = "Neo4j 4.4 dumps a copy of a stopped store named by NEO4J_CONF while the server runs, and loads beside it")]
    public async Task A_data_directory_named_by_the_configuration_is_dumped_and_loaded_beside_the_running_server(bool v44)
    {
        await using var platform = await Platform.StartAsync(neo4jImage: v44 ? Repo.Neo4j44Image : null);
        var (c, image) = (platform.Neo4j, platform.Neo4jImage);
        string[] Admin(string data, params string[] command) => v44
            ? ["exec", c, "env", $"NEO4J_CONF=/tmp/conf-{data}", "neo4j-admin", .. command]
            : ["exec", c, "neo4j-admin", .. command, $"--additional-config=/tmp/conf-{data}/neo4j.conf"];
        string[] Dump(string data) => v44
            ? Admin(data, "dump", "--database=neo4j", $"--to=/tmp/{data}.dump")
            : Admin(data, "database", "dump", "neo4j", "--to-path=/tmp", "--overwrite-destination=true");
        async Task ConfigureAsync(string data) => await Sh.DockerRequireAsync("exec", c, "sh", "-c",
            $"mkdir -p /tmp/conf-{data} && printf '%s\\n' '{(v44 ? "dbms" : "server")}.directories.data=/data/{data}' > " +
                $"/tmp/conf-{data}/neo4j.conf");
        async Task CopyAsync(params string[] run) => await Sh.DockerRequireAsync([.. run, "sh", "-c",
            "mkdir -p /data/copy/databases /data/copy/transactions && cp -a /data/databases/neo4j /data/copy/databases/ && cp -a " +
                "/data/transactions/neo4j /data/copy/transactions/"]);
        await ConfigureAsync("copy");
        await ConfigureAsync("staging");

        // Copied while the server runs, the store carries its active transaction log: refused, as a store that needs recovery is.
        await CopyAsync("exec", c);
        var live = await Sh.RunAsync("docker", Dump("copy"));
        Assert.That(live.StandardError, Does.Contain("Active logical log detected"), live.StandardError);

        // Copied while it is stopped, the copy is dumped while the server serves; /data itself is in use.
        await Sh.DockerRequireAsync("stop", "--time", "60", c);
        await Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--volumes-from", c, "--entrypoint", "rm", image, "-rf", "/data/copy");
        await CopyAsync("run", "--rm", "--network", "none", "--volumes-from", c, "--entrypoint", "", image);
        await Sh.DockerRequireAsync("start", c);
        for (var waited = 0; waited < 240 && !await platform.Neo4jAnswersAsync(); waited++)
        {
            await Task.Delay(250);
        }

        var fromCopy = await Sh.RunAsync("docker", Dump("copy"));
        var inUse = await Sh.RunAsync("docker", v44
            ? ["exec", c, "neo4j-admin", "dump", "--database=neo4j", "--to=/tmp/live.dump"]
            : ["exec", c, "neo4j-admin", "database", "dump", "neo4j", "--to-path=/tmp", "--overwrite-destination=true"]);
        var load = await Sh.RunAsync("docker", v44
            ? Admin("staging", "load", "--from=/tmp/copy.dump", "--database=neo4j", "--force")
            : Admin("staging", "database", "load", "neo4j", "--from-path=/tmp", "--overwrite-destination=true"));
        var sums = await Sh.DockerRequireAsync(
            "exec", c, "sha256sum", "/data/databases/neo4j/nodes", "/data/staging/databases/neo4j/nodes");

        Assert.Multiple(() =>
        {
            Assert.That(fromCopy.ExitCode, Is.Zero, fromCopy.StandardError);
            Assert.That(inUse.StandardError, Does.Contain("The database is in use"));
            Assert.That(load.ExitCode, Is.Zero, load.StandardError);
            Assert.That(sums.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Distinct().Count(),
                Is.EqualTo(1), "the staged store holds the graph: " + sums);
        });
    }

    [Test]
    public async Task The_4_4_variant_declares_its_version_as_the_official_image_does()
    {
        var tarball = await Sh.DockerRequireAsync("image", "inspect", "--format", "{{range .Config.Env}}{{println " +
            ".}}{{end}}", Repo.Neo4j44Image);
        // `neo4j` as the command would start the server, as the official entrypoint does; the version is asked past it.
        var version = await Sh.DockerRequireAsync(
            "run", "--rm", "--network", "none", "--entrypoint", "neo4j", Repo.Neo4j44Image, "--version");

        Assert.That(tarball, Does.Contain("NEO4J_TARBALL=neo4j-community-4.4.36-unix.tar.gz"));
        Assert.That(version.Trim(), Is.EqualTo("neo4j 4.4.36"));
    }
}
