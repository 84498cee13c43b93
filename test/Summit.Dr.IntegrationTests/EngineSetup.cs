using Summit.Dr.Testing;

// In the namespace of the fixtures: NUnit runs a SetUpFixture only for the fixtures of its namespace and below.
namespace Summit.Dr.IntegrationTests;

/// <summary>
/// Makes sure a Docker engine answers, the fixture images exist and the test tools (gpg, the off-site
/// servers) are installed before any test runs. If either cannot
/// be had, every test here fails loudly: none is skipped.
/// </summary>
[SetUpFixture]
public sealed class EngineSetup
{
    [OneTimeSetUp]
    public async Task EnsureEngineAndImagesAsync()
    {
        var engine = await Sh.RunAsync("bash", [Path.Combine(Repo.Root, ".ci", "docker-engine.sh")]);
        Assert.That(engine.ExitCode, Is.Zero, "No Docker engine answers and none could be started: " + engine.StandardError);
        if (Repo.UsesFixtureImages)
        {
            var images = await Sh.RunAsync("bash", [Path.Combine(Repo.Root, "test", "fixtures", "build-images.sh")]);
            Assert.That(images.ExitCode, Is.Zero, "The fixture images could not be built: " + images.StandardError);
        }

        var tools = await Sh.RunAsync("bash", [Path.Combine(Repo.Root, "test", "fixtures", "test-tools.sh")]);
        Assert.That(tools.ExitCode, Is.Zero, "gnupg and the off-site test servers could not be installed: " + tools.StandardError);
        Assert.That(File.Exists(Repo.ToolDll), Is.True, $"The tool was not built next to the tests: {Repo.ToolDll}");
    }
}
