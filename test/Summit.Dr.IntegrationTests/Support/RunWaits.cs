using Summit.Dr.Testing;

namespace Summit.Dr.IntegrationTests.Support;

/// <summary>Waiting for a moment of a run the test acts at (a dump or load under way, Neo4j down).</summary>
internal static class RunWaits
{
    /// <summary>Until <paramref name="condition"/> holds, polled every 100 ms; fails the test when the run ends first or a minute
    /// passes.</summary>
    public static async Task WaitUntilAsync(this ToolRun run, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (run.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail("The condition was not reached while summit-dr ran.\n" + run.Describe());
            }

            await Task.Delay(100);
        }
    }
}
