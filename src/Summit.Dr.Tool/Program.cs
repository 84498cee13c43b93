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
        app.ValidationErrorHandler = result =>
        {
            Console.Error.WriteLine($"summit-dr: {result.ErrorMessage} See `summit-dr --help`.");
            return ExitCodes.Usage;
        };
        try
        {
            return app.Execute(args);
        }
        catch (CommandParsingException ex)
        {
            Console.Error.WriteLine($"summit-dr: {ex.Message}. See `summit-dr {ex.Command.Name} --help`.");
            return ExitCodes.Usage;
        }
        catch (SummitDrException ex)
        {
            Console.Error.WriteLine($"summit-dr: {ex.Message}");
            return ex.ExitCode;
        }
    }
}
