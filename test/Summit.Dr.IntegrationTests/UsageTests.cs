using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests;

/// <summary>Usage errors read right: exit 2, one line that says what to do.</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class UsageTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("summit-dr-usage-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [TestCase("restore")]
    [TestCase("check")]
    public async Task A_backup_that_does_not_exist_is_a_usage_error_that_lists_the_newest_backups(string command)
    {
        foreach (var name in new[] { "20250901_120000", "20250925_120000", "20250920_120000" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, "backups", name));
            File.WriteAllText(Path.Combine(_dir, "backups", name, "postgres.dump"), "PGDMP");
        }

        using var run = await ToolRun.RunAsync(_dir, command, "backups/nothing");

        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
            Assert.That(run.Stderr.Trim(), Is.EqualTo(
                $"summit-dr: There is no backup 'backups/nothing'. The newest in {Path.Combine(_dir, "backups")}: 20250925_120000, " +
                    $"20250920_120000, 20250901_120000 " +
                "(`summit-dr list` shows them all; `latest` names the newest)."), "one line, before any docker command");
        });
    }

    [Test]
    public async Task With_no_backups_at_all_the_message_says_how_to_make_one()
    {
        using var run = await ToolRun.RunAsync(_dir, "restore", "backups/nothing", "--yes");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr, Does.Contain("holds no backups yet. Make one with `summit-dr backup`."));
    }

    [Test]
    public async Task An_unknown_command_points_at_the_tools_help()
    {
        using var run = await ToolRun.RunAsync(_dir, "bakup");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Is.EqualTo("summit-dr: Unrecognized command or argument 'bakup'. See `summit-dr --help`."));
    }

    [Test]
    public async Task An_unknown_option_points_at_the_commands_help()
    {
        using var run = await ToolRun.RunAsync(_dir, "backup", "--no-such-option");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Is.EqualTo("summit-dr: Unrecognized option '--no-such-option'. See `summit-dr backup --help`."));
    }
}
