using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

[Command("list", Description = "List backups, newest first: name, time, age, size, components and state.",
    ExtendedHelpText = """

        States: complete; safety (taken by restore); legacy (no manifest: made by the runbook's scripts);
        incomplete (unfinished work, never restored or offered as latest); corrupt (a cheap check failed;
        `summit-dr check` tells more). LAST DRILLED: when `summit-dr drill` last ran on it and its result.
        Then what the last restore kept aside for `summit-dr undo`, with sizes.
        Exit codes: 0; 2 usage.
        """)]
public sealed class ListCommand
{
    [Option("--json", Description = "Write the list as one JSON document to stdout.")]
    public bool Json { get; set; }

    [Option("--remote", Description = "List the backups off-site (Remote:*) instead: complete, incomplete (a push did not finish) or " +
        "corrupt.")]
    public bool Remote { get; set; }

    public RootCommand Parent { get; set; } = null!;

    public int OnExecute() =>
        OperationHost.Run<ListHandler>(
            Parent.ToGlobalOptions(), new CommandRun("list", Json), async (handler, console, cancellationToken) =>
        {
            var now = handler.Time.GetUtcNow();
            if (Remote)
            {
                ListReport.WriteRemote(console, await handler.List.ListRemoteAsync(cancellationToken), now, Json);
            }
            else
            {
                ListReport.WriteLocal(console, await handler.List.ListLocalAsync(cancellationToken), now, Json);
            }

            return CommandResult.Done();
        });
}
