using McMaster.Extensions.CommandLineUtils;
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
        OperationHost.Run<UndoOperation>(Parent.ToGlobalOptions(), new CommandRun("undo", Json), async (undo, console, cancellationToken) =>
        {
            UndoReport.Write(console, await undo.RunAsync(Discard, Yes, cancellationToken), Json);
            return CommandResult.Done();
        });
}
