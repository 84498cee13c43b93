using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Summit.Dr.Testing;

/// <summary>Runs test-side commands (docker, tar, scripts) with argument arrays.</summary>
public static class Sh
{
    public static async Task<BufferedCommandResult> RunAsync(
        string program, IEnumerable<string> args, Stream? stdin = null, Stream? stdout = null,
        CancellationToken cancellationToken = default)
    {
        var command = Cli.Wrap(program).WithArguments(args).WithValidation(CommandResultValidation.None);
        if (stdin is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromStream(stdin));
        }

        if (stdout is not null)
        {
            var stderr = new StringBuilder();
            var result = await command.WithStandardOutputPipe(PipeTarget.ToStream(stdout)).WithStandardErrorPipe(
                PipeTarget.ToStringBuilder(stderr)).ExecuteAsync(cancellationToken);
            return new BufferedCommandResult(result.ExitCode, result.StartTime, result.ExitTime, string.Empty, stderr.ToString());
        }

        return await command.ExecuteBufferedAsync(cancellationToken);
    }

    public static Task<BufferedCommandResult> DockerAsync(params string[] args) => ContainerEngine.Docker.RunAsync(args);

    public static async Task<string> RequireAsync(string program, params string[] args)
    {
        var result = await RunAsync(program, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {result.ExitCode}: " +
                $"{result.StandardError}{result.StandardOutput}");
        }

        return result.StandardOutput;
    }

    public static Task<string> DockerRequireAsync(params string[] args) => ContainerEngine.Docker.RequireAsync(args);
}
