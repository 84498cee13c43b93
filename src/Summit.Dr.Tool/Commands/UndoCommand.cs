using McMaster.Extensions.CommandLineUtils;
using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Errors;
using Summit.Dr.Operations.Undo;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("undo", Description = "Put back the state the last restore replaced (kept aside, not copied), or free it with --discard.",
    ExtendedHelpText = """

        A restore keeps what it replaces: the PostgreSQL database renamed, the Neo4j store moved within its
        volume, the uploads tree renamed. `undo` puts them back (one stop and one start of Neo4j) and removes
        what the restore had put in their place; `undo --discard` deletes them instead. Both are confirmed
        like a restore: on a terminal by typing the database name, otherwise with --yes.
        Exit codes: 0 done; 1 a store could not be put back or freed (run it again once fixed); 2 usage or not
        confirmed; 3 nothing to undo, docker/container/lock precondition; 130 interrupted.
        """)]
public sealed class UndoCommand
{
    [Option("--discard", Description = "Free the kept state instead of putting it back (it cannot be undone then).")]
    public bool Discard { get; set; }

    [Option("--yes", Description = "Confirm without a prompt (required without a terminal).")]
    public bool Yes { get; set; }

    [Option("--json", Description = "Write the outcome as one JSON document to stdout.")]
    public bool Json { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run(Parent.ToGlobalOptions(), new CommandRun("undo", Json), async (services, console, cancellationToken) =>
        {
            var result = await services.GetRequiredService<UndoOperation>().RunAsync(Discard, Yes, cancellationToken);
            if (Json)
            {
                console.WriteJson(
                    new { schemaVersion = 1, command = "undo", status = "succeeded", exitCode = ExitCodes.Success,
                        discarded = result.Discarded, seconds = Math.Round(result.Duration.TotalSeconds, 3),
                        kept = KeptReport.Json(result.State) });
                return ExitCodes.Success;
            }

            console.Error.WriteLine(result.Discarded
                ? $"Freed the state kept by the restore of {result.State.Id} in {result.Duration.TotalSeconds:0.0} s; that restore can " +
                    $"no longer be undone."
                : $"Put back the state from before the restore of {result.State.Id} in {result.Duration.TotalSeconds:0.0} s.");
            return ExitCodes.Success;
        });
}
