using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Summit.Dr.Configuration;
using Summit.Dr.Model;
using Summit.Dr.Tool.Commands;

namespace Summit.Dr.Tests.Architecture;

/// <summary>
/// Every command's handler is built by the host from the registered services alone: a handler that asks for something
/// nobody registers fails here, not as "Unexpected failure" in a user's restore.
/// </summary>
[TestFixture]
public sealed class HandlerResolutionTests
{
    private static IEnumerable<Type> Handlers() =>
        typeof(RestoreHandler).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(RestoreHandler).Namespace && t.Name.EndsWith("Handler", StringComparison.Ordinal));

    [Test]
    public void The_handlers_are_the_ones_the_commands_call() =>
        Assert.That(
            Handlers().Select(t => t.Name), Is.SupersetOf(new[] { "RestoreHandler", "DrillHandler", "BackupHandler", "CheckHandler" }));

    [TestCaseSource(nameof(Handlers))]
    public void The_host_builds_the_handler_from_registered_services(Type handler)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddOptions<SummitDrOptions>();
        services.AddSummitDrCore(new WorkingDirectory(Path.GetTempPath()), new ToolInfo("test"));
        services.TryAddSingleton(handler);
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService(handler), Throws.Nothing);
    }
}
