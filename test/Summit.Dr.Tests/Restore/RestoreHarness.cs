using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Model;
using Summit.Dr.Operations.Kept;
using Summit.Dr.Operations.Restore;
using Summit.Dr.Tests.Support;

namespace Summit.Dr.Tests.Restore;

/// <summary>A harness holding one backup, a restore of it, and what "nothing destructive happened" means.</summary>
internal static class RestoreHarness
{
    internal static readonly string[] Live = ["/data/databases/neo4j", "/data/transactions/neo4j"];

    internal static async Task<CoreHarness> HarnessWithBackupAsync(Action<IServiceCollection>? services = null)
    {
        var harness = new CoreHarness(services: services);
        await harness.RunBackupAsync();
        harness.Docker.ClearCalls();
        File.WriteAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv"), "changed");
        return harness;
    }

    /// <summary>A restore; <paramref name="at"/> moves the clock on, since a restore's id is its local time to the second.</summary>
    internal static Task<RestoreResult> RestoreAsync(
        CoreHarness harness, bool yes = true, TimeSpan at = default, CancellationToken cancellationToken = default)
    {
        harness.Time.Advance(at);
        return harness.Get<RestoreOperation>().RunAsync(
            new RestoreRequest("latest", BackupComponents.All, false, yes, SafetyBackup: false, DryRun: false), cancellationToken);
    }

    internal static void AssertNothingDestructive(CoreHarness harness)
    {
        Assert.Multiple(() =>
        {
            Assert.That(harness.Docker.Lines, Has.None.StartsWith("stop"));
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsRename), Is.False);
            Assert.That(harness.Docker.Calls.Any(FakeDocker.IsNeo4jLoad), Is.False);
            Assert.That(harness.Docker.Volume, Is.EquivalentTo(Live));
            Assert.That(File.ReadAllText(Path.Combine(harness.WorkDir, "server", "uploads", "imports", "entities.csv")),
                Is.EqualTo("changed"));
            Assert.That(harness.VisibleBackups(), Has.Count.EqualTo(1), "no safety backup either");
            Assert.That(KeptStateStore.For(new BackupRoot(harness.Root)).Read(), Is.Empty);
        });
    }
}
