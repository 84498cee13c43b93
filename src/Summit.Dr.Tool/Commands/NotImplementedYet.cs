using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tool.Commands;

/// <summary>
/// Commands of the design that a later version implements answer honestly, with exit code 2. They still
/// run in the host, so a stop journal left by a killed run is recovered whatever command comes next.
/// </summary>
internal static class NotImplementedYet
{
    public const string Note = "Not implemented yet in this version: exits with code 2.";

    public static int Answer(string command, GlobalOptions globals) =>
        OperationHost.Run(globals, command, json: false, (_, console, _) =>
        {
            console.Error.WriteLine($"summit-dr: `{command}` is not implemented yet in this version; nothing was done. See `summit-dr --help` for what is available.");
            return Task.FromResult(ExitCodes.Usage);
        });
}
