using Summit.Dr.Errors;

namespace Summit.Dr.Tool.Commands;

/// <summary>Commands of the design that a later version implements answer honestly, with exit code 2.</summary>
internal static class NotImplementedYet
{
    public const string Note = "Not implemented yet in this version: exits with code 2.";

    public static int Answer(string command)
    {
        Console.Error.WriteLine($"summit-dr: `{command}` is not implemented yet in this version; nothing was done. See `summit-dr --help` for what is available.");
        return ExitCodes.Usage;
    }
}
