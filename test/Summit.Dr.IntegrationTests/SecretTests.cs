using System.Text;
using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests;

/// <summary>Invariant 7: passwords never appear in output, logs, the backup directory or any process's arguments.</summary>
[TestFixture]
[CancelAfter(300_000)]
public sealed class SecretTests
{
    [Test]
    public async Task Passwords_never_appear_in_output_logs_backups_or_process_arguments()
    {
        await using var platform = await Platform.StartAsync();
        const string pgSecret = "pg-Secret-7f3a";
        var environment = new Dictionary<string, string> { ["SUMMIT_DR_Postgres__Password"] = pgSecret };
        var seenInArguments = new List<string>();

        using var run = ToolRun.Start(platform.WorkDir, ["backup", "-v"], environment);
        while (!run.HasExited)
        {
            seenInArguments.AddRange(ProcessArgumentsContaining(platform.Neo4jPassword, pgSecret));
            await Task.Delay(10);
        }

        await run.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        var backupFiles = Directory.EnumerateFiles(platform.BackupRoot, "*", SearchOption.AllDirectories).ToList();
        Assert.That(backupFiles, Has.Some.EndsWith("summit-dr.log"));
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { platform.Neo4jPassword, pgSecret })
            {
                Assert.That(run.Stdout + run.Stderr, Does.Not.Contain(secret), "output");
                foreach (var file in backupFiles)
                {
                    Assert.That(Contains(file, secret), Is.False, file);
                }
            }

            Assert.That(seenInArguments, Is.Empty, "process arguments");
            Assert.That(run.Stderr, Does.Contain("-e NEO4J_PASSWORD"), "verbose output shows the variable's name only");
        });
    }

    private static bool Contains(string file, string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        return File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0;
    }

    private static IEnumerable<string> ProcessArgumentsContaining(params string[] secrets)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // The platform's own containers are started by the test with the password in NEO4J_AUTH; only
            // processes of the tool's run are of interest here.
            if (secrets.Any(s => commandLine.Contains(s, StringComparison.Ordinal))
                && !commandLine.Contains("NEO4J_AUTH", StringComparison.Ordinal))
            {
                yield return commandLine;
            }
        }
    }
}
