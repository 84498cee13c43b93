using Microsoft.Extensions.Configuration;
using Summit.Dr.Tool.Hosting;
using Summit.Dr.Testing;

namespace Summit.Dr.Tests.Configuration;

/// <summary>samples/summit-dr.json is what docs/configuration.md says it is: every setting but the ones discovery fills.</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class SampleConfigurationTests
{
    /// <summary>Better left to discovery (docs/configuration.md).</summary>
    private static readonly string[] LeftOut =
    [
        "Postgres:Container", "Postgres:Database", "Postgres:User", "Neo4j:Container",
    ];

    [Test]
    public void The_sample_names_every_setting_but_the_discovered_ones_and_nothing_else()
    {
        var sample = new ConfigurationBuilder().AddJsonFile(Path.Combine(Repo.Root, "samples", "summit-dr.json")).Build();
        var inSample = sample.AsEnumerable().Where(pair => sample.GetSection(pair.Key).GetChildren().Any() is false)
            .Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var known = SettingChecks.KnownKeys();

        Assert.Multiple(() =>
        {
            Assert.That(inSample.Except(known, StringComparer.OrdinalIgnoreCase), Is.Empty, "keys the tool would refuse as unknown");
            Assert.That(known.Except(LeftOut, StringComparer.OrdinalIgnoreCase).Except(inSample, StringComparer.OrdinalIgnoreCase).Order(),
                Is.Empty, "settings the sample does not show");
        });
    }
}
