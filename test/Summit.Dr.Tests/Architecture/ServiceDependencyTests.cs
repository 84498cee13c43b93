using Microsoft.Extensions.DependencyInjection;
using Summit.Dr.Configuration;
using Summit.Dr.Model;

namespace Summit.Dr.Tests.Architecture;

/// <summary>A service that needs more than seven others does more than one job: none does, and a failure names each.</summary>
[TestFixture]
public sealed class ServiceDependencyTests
{
    private const int Limit = 7;

    [Test]
    public void No_service_takes_more_than_seven_dependencies()
    {
        var services = new ServiceCollection();
        services.AddSummitDrCore(new WorkingDirectory(Path.GetTempPath()), new ToolInfo("test"));

        var over = services
            .Select(d => d.ImplementationType)
            .OfType<Type>()
            .Distinct()
            .Select(t => (Type: t, Parameters: t.GetConstructors().Max(c => c.GetParameters().Length)))
            .Where(t => t.Parameters > Limit)
            .Select(t => $"{t.Type.FullName} takes {t.Parameters}")
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(services.Count(d => d.ImplementationType is not null), Is.GreaterThan(50), "the services are there to count");
            Assert.That(over, Is.Empty, string.Join('\n', over));
        });
    }
}
