using McMaster.Extensions.CommandLineUtils;
using Summit.Dr.Errors;
using Summit.Dr.Tool.Commands;

namespace Summit.Dr.Tool;

/// <summary>Composition root: parse first (McMaster), then each command runs its operation in a generic host.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var app = new CommandLineApplication<RootCommand>();
        app.Conventions.UseDefaultConventions();
        app.MakeSuggestionsInErrorMessage = true;
        app.ValidationErrorHandler = result =>
        {
            Console.Error.WriteLine($"summit-dr: {result.ErrorMessage} See `summit-dr --help`.");
            return ExitCodes.Usage;
        };
        try
        {
            return app.Execute(args);
        }
        catch (UnrecognizedCommandParsingException ex) when (ex.NearestMatches.FirstOrDefault() is { } nearest)
        {
            var path = CommandPath(ex.Command);
            Console.Error.WriteLine(
                $"summit-dr: {FirstLine(ex.Message).TrimEnd('.')}. Did you mean `{path} {nearest}`? See `{path} --help`.");
            return ExitCodes.Usage;
        }
        catch (CommandParsingException ex)
        {
            Console.Error.WriteLine($"summit-dr: {FirstLine(ex.Message).TrimEnd('.')}. See `{CommandPath(ex.Command)} --help`.");
            return ExitCodes.Usage;
        }
        catch (SummitDrException ex)
        {
            Console.Error.WriteLine($"summit-dr: {ex.Message}");
            return ex.ExitCode;
        }
    }

    /// <summary>`summit-dr` for the root, `summit-dr backup` for a subcommand.</summary>
    private static string CommandPath(CommandLineApplication command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent)
        {
            names.Insert(0, c.Name ?? "summit-dr");
        }

        return string.Join(' ', names);
    }

    /// <summary>Parsing errors may add suggestions on further lines; the message stays one line.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
