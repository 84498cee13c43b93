using System.Text.Json;
using System.Text.Json.Nodes;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>
/// The files summit-dr reads back are inputs: an undo record or a stop journal rewritten to point outside the platform
/// (another path, another container, a mount string with a comma, a live database) makes every command refuse with
/// exit 4 naming the file and the field, and nothing outside is moved, started, chmodded or deleted. A link planted at
/// a state file's name is refused, never followed, and one at a temporary name it once used is never written through.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class HostileJournalTests
{
    private const string Undo = ".summit-dr-undo.json";

    [Test]
    public async Task An_undo_record_naming_another_directory_moves_and_chmods_nothing_outside()
    {
        await using var platform = await Platform.StartAsync();
        await RestoreAsync(platform);
        var victim = Directory.CreateTempSubdirectory("sdr-victim-").FullName;
        File.WriteAllText(Path.Combine(victim, "passwd"), "root:x:0:0");
        var attacker = Directory.CreateTempSubdirectory("sdr-attacker-").FullName;
        File.WriteAllText(Path.Combine(attacker, "passwd"), "evil");
        File.SetUnixFileMode(attacker, (UnixFileMode)4095);
        Rewrite(platform, state =>
            state["uploads"] = new JsonObject { ["path"] = victim, ["kept"] = attacker, ["existed"] = true, ["swapped"] = true,
                ["mode"] = 4095 });

        using var list = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(() =>
        {
            Assert.That(list.ExitCode, Is.EqualTo(4), list.Describe());
            Assert.That(list.Stderr, Does.Contain(Undo + " is not obeyed: its uploads.path is '" + victim + "'"));
            Assert.That(File.ReadAllText(Path.Combine(victim, "passwd")), Is.EqualTo("root:x:0:0"), "the victim's files stay");
            Assert.That(File.GetUnixFileMode(victim),
                Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), "and its mode");
            Assert.That(Directory.Exists(attacker), Is.True);
        });
    }

    [TestCase("postgresData", "volume", "/tmp/sdr-victim-host,type=bind")]
    [TestCase("postgres", "kept", "intelgraph_dev")]
    [TestCase("neo4j", "container", "sdr-victim")]
    [TestCase("neo4j", "kept", "/data/databases")]
    [TestCase("", "id", "../../etc")]
    public async Task An_undo_record_naming_anything_but_the_platforms_own_objects_is_refused_and_nothing_is_done(
        string store, string field, string value)
    {
        await using var platform = await Platform.StartAsync();
        await RestoreAsync(platform);
        var hostDirectory = Directory.CreateDirectory("/tmp/sdr-victim-host").FullName;
        File.WriteAllText(Path.Combine(hostDirectory, "keep-me"), "x");
        var tables = await platform.TableChecksumsAsync();
        var nodes = await platform.NodeCountAsync();
        var neo4jStarted = await platform.StartedAtAsync(platform.Neo4j);
        Rewrite(platform, state =>
        {
            if (store == "postgresData")
            {
                state["postgresData"] = new JsonObject
                {
                    ["container"] = platform.Postgres,
                    ["image"] = Repo.PostgresImage,
                    ["dataDirectory"] = "/var/lib/postgresql/data",
                    ["volume"] = value,
                    ["moved"] = true,
                    ["touched"] = true,
                };
                state["postgres"] = null;
            }
            else if (store.Length == 0)
            {
                state[field] = value;
            }
            else
            {
                state[store]![field] = value;
            }
        });

        using var list = await ToolRun.RunAsync(platform.WorkDir, "list");

        Assert.Multiple(async () =>
        {
            Assert.That(list.ExitCode, Is.EqualTo(4), list.Describe());
            Assert.That(list.Stderr, Does.Contain($"its {(store.Length == 0 ? field : $"{store}.{field}")} is " +
                $"'{value}'").And.Contain("Nothing was done"));
            Assert.That(File.Exists(Path.Combine(hostDirectory, "keep-me")), Is.True, "no host directory was mounted or emptied");
            Assert.That(await platform.TableChecksumsAsync(), Is.EqualTo(tables), "no database was renamed or dropped");
            Assert.That(await platform.NodeCountAsync(), Is.EqualTo(nodes));
            Assert.That(await platform.StartedAtAsync(platform.Neo4j), Is.EqualTo(neo4jStarted), "Neo4j was not stopped");
            Assert.That(File.Exists(Path.Combine(platform.BackupRoot, Undo)), Is.True, "the record is left for a person");
        });
    }

    [Test]
    public async Task A_stop_journal_naming_another_container_starts_nothing()
    {
        await using var platform = await Platform.StartAsync(seed: false);
        var victim = platform.Prefix + "-victim";
        await Sh.DockerRequireAsync("create", "--name", victim, "--network", "none", Repo.PostgresImage);
        try
        {
            Directory.CreateDirectory(platform.BackupRoot);
            var journal = new JsonObject
            {
                ["owner"] = new JsonObject { ["host"] = Environment.MachineName, ["pid"] = int.MaxValue - 7,
                    ["processStartedAt"] = DateTimeOffset.UtcNow },
                ["stoppedAt"] = DateTimeOffset.UtcNow,
                ["containers"] = new JsonArray(victim),
            };
            OwnFile.Write(Path.Combine(platform.BackupRoot, ".summit-dr-stopped.json"), journal.ToJsonString());

            using var list = await ToolRun.RunAsync(platform.WorkDir, "list");

            Assert.That(list.ExitCode, Is.EqualTo(4), list.Describe());
            Assert.That(list.Stderr, Does.Contain($"its containers names '{victim}'"));
            Assert.That(await platform.IsRunningAsync(victim), Is.False, "the victim was not started");
        }
        finally
        {
            await Sh.DockerAsync("rm", "--force", victim);
        }
    }

    [Test]
    public async Task A_link_at_a_state_file_is_refused_and_links_at_old_temporary_names_are_never_written_through()
    {
        await using var platform = await Platform.StartAsync();
        var victim = Path.Combine(Directory.CreateTempSubdirectory("sdr-victim-").FullName, "authorized_keys");
        File.WriteAllText(victim, "untouched");
        Directory.CreateDirectory(platform.BackupRoot);
        foreach (var name in new[] { ".summit-dr-undo.json.tmp", ".summit-dr-stopped.json.tmp" })
        {
            File.CreateSymbolicLink(Path.Combine(platform.BackupRoot, name), victim);
        }

        await RestoreAsync(platform);
        File.CreateSymbolicLink(
            Path.Combine(Directory.GetDirectories(platform.BackupRoot).First(d => !Path.GetFileName(d).StartsWith('.')), "drill.json.tmp"),
            victim);
        using (var drill = await ToolRun.RunAsync(platform.WorkDir, "drill", "latest"))
        {
            Assert.That(drill.ExitCode, Is.Zero, drill.Describe());
        }

        File.Move(Path.Combine(platform.BackupRoot, Undo), Path.Combine(platform.BackupRoot, "undo.saved"));
        File.CreateSymbolicLink(Path.Combine(platform.BackupRoot, Undo), victim);
        using var undo = await ToolRun.RunAsync(platform.WorkDir, "undo", "--yes");

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(victim), Is.EqualTo("untouched"), "nothing was written through a planted link");
            Assert.That(undo.ExitCode, Is.EqualTo(4), undo.Describe());
            Assert.That(undo.Stderr, Does.Contain(Undo + " is a link"));
        });
    }

    private static async Task RestoreAsync(Platform platform)
    {
        using (var backup = await ToolRun.RunAsync(platform.WorkDir, "backup"))
        {
            Assert.That(backup.ExitCode, Is.Zero, backup.Describe());
        }

        using var restore = await ToolRun.RunAsync(platform.WorkDir, "restore", "latest", "--yes");
        Assert.That(restore.ExitCode, Is.Zero, restore.Describe());
    }

    /// <summary>The last restore's record, changed by <paramref name="change"/>, made to look like a restore that died half way
    /// (incomplete, its owner gone).</summary>
    private static void Rewrite(Platform platform, Action<JsonObject> change)
    {
        var path = Path.Combine(platform.BackupRoot, Undo);
        var states = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        var state = states[^1]!.AsObject();
        state["complete"] = false;
        state["owner"]!["pid"] = int.MaxValue - 7;
        change(state);
        OwnFile.Write(path, states.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
