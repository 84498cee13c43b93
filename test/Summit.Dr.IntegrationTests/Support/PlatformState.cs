using Summit.Dr.Testing;


namespace Summit.Dr.IntegrationTests.Support;

/// <summary>Everything a restore must bring back, captured so two moments can be compared.</summary>
internal sealed record PlatformState(string Tables, long Nodes, IReadOnlyDictionary<string, string> Uploads)
{
    public static async Task<PlatformState> CaptureAsync(Platform platform) =>
        new(await platform.TableChecksumsAsync(), await platform.NodeCountAsync(),
            Directory.Exists(platform.Uploads) ? Platform.HashTree(platform.Uploads) : new Dictionary<string, string>());

    public void AssertEqual(PlatformState other, string because)
    {
        Assert.Multiple(() =>
        {
            Assert.That(other.Tables, Is.EqualTo(Tables), "tables: " + because);
            Assert.That(other.Nodes, Is.EqualTo(Nodes), "nodes: " + because);
            Assert.That(other.Uploads, Is.EquivalentTo(Uploads), "uploads: " + because);
        });
    }
}
