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

    [TestCase(new[] { "bakup" }, "summit-dr: Unrecognized command or argument 'bakup'. Did you mean `summit-dr backup`? See " +
        "`summit-dr --help`.")]
    [TestCase(new[] { "wal", "stats" }, "summit-dr: Unrecognized command or argument 'stats'. Did you mean `summit-dr wal status`? " +
        "See `summit-dr wal --help`.")]
    [TestCase(new[] { "zzzzzz" }, "summit-dr: Unrecognized command or argument 'zzzzzz'. See `summit-dr --help`.")]
    public async Task An_unknown_command_suggests_the_nearest_and_points_at_the_help(string[] args, string expected)
    {
        using var run = await ToolRun.RunAsync(_dir, args);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_settings_file_that_is_not_json_is_named_with_its_line_and_column()
    {
        File.WriteAllText(Path.Combine(_dir, "summit-dr.json"), "{\n  \"Postgres\": {\n    \"Container\": \"db\"\n  }\n  oops\n}\n");

        using var run = await ToolRun.RunAsync(_dir, "list");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Does.StartWith($"summit-dr: {Path.Combine(_dir, "summit-dr.json")} is not valid JSON at line 5, " +
            "column 3: ").And.EndWith("Fix the file there.").And.Not.Contain("\n"));
    }

    [TestCase("Pitr:Enabled=yes", "Pitr:Enabled is 'yes', and it takes true or false.")]
    [TestCase("Neo4j:Snapshot=maybe", "Neo4j:Snapshot is 'maybe', and it takes one of auto, always, never.")]
    [TestCase("Neo4j:StopTimeoutSeconds=ten", "Neo4j:StopTimeoutSeconds is 'ten', and it takes a whole number.")]
    public async Task A_value_a_setting_cannot_take_is_named_with_what_it_takes(string setting, string expected)
    {
        using var run = await ToolRun.RunAsync(_dir, "list", "--set", setting);

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Is.EqualTo($"summit-dr: Invalid configuration: {expected} Fix it where it is set (`summit-dr " +
            "doctor` shows where)."));
    }

    [Test]
    public async Task An_unknown_option_points_at_the_commands_help()
    {
        using var run = await ToolRun.RunAsync(_dir, "backup", "--no-such-option");

        Assert.That(run.ExitCode, Is.EqualTo(2), run.Describe());
        Assert.That(run.Stderr.Trim(), Is.EqualTo("summit-dr: Unrecognized option '--no-such-option'. See `summit-dr backup --help`."));
    }
}
