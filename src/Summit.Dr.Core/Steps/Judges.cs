using Summit.Dr.Engine.Docker;
using Summit.Dr.Engine.Processes;
using Summit.Dr.Errors;

namespace Summit.Dr.Steps;

/// <summary>What a command's result means, for the judges most commands share.</summary>
public static class Judges
{
    /// <summary>It must succeed; else the step fails with <paramref name="failure"/> and why (a full disk said as such).</summary>
    public static Func<ProcessResult, ScriptContext, Task> Require(string failure) => (result, _) =>
    {
        Check(result, failure);
        return Task.CompletedTask;
    };

    /// <summary>
    /// It must succeed unless <paramref name="source"/> does not exist at all (`test -e` asked after the failure):
    /// a database that never wrote a transaction log has none to move or copy.
    /// </summary>
    public static Func<ProcessResult, ScriptContext, Task> RequireUnlessMissing(string failure, ProcessSpec source) =>
        async (result, context) =>
    {
        if (!result.Succeeded && (await context.RunAsync(source)).Succeeded)
        {
            Check(result, failure);
        }
    };

    /// <summary>A `docker rm --force` of <paramref name="container"/>, judged by <see cref="DockerCli.RequireRemovedAsync"/>.</summary>
    public static Func<ProcessResult, ScriptContext, Task> Removed(DockerCli docker, string container) =>
        (result, context) => docker.RequireRemovedAsync(container, result, context.CancellationToken);

    /// <summary>Whatever it answers, the step goes on (the answer is read elsewhere, or not needed).</summary>
    public static Task Accept(ProcessResult result, ScriptContext context) => Task.CompletedTask;

    /// <summary>Throws what a failed <paramref name="result"/> means: <see cref="DiskFullException"/> or <see
    /// cref="OperationFailedException"/>.</summary>
    public static void Check(ProcessResult result, string failure)
    {
        if (result.Succeeded)
        {
            return;
        }

        throw DiskFull.IsIn(result.StandardError)
            ? new DiskFullException($"{failure}: {DiskFull.Message}")
            : new OperationFailedException($"{failure}: {result.ErrorSummary}");
    }
}
