using Microsoft.Extensions.Configuration;
using Summit.Dr.Configuration;
using Summit.Dr.Errors;
using Summit.Dr.Tool.Hosting;

namespace Summit.Dr.Tests.Configuration;

/// <summary>Settings are read as the words and numbers the configuration holds, and refused naming the key and what it takes.</summary>
[TestFixture]
[CancelAfter(10_000)]
public sealed class OptionsValidationTests
{
    [TestCase("Neo4j:Snapshot", "always")]
    [TestCase("Neo4j:DumpTransfer", "bind-mount")]
    [TestCase("Neo4j:DumpTransfer", "BIND-MOUNT")]
    [TestCase("Pitr:Archive", "volume")]
    public void A_word_setting_binds_as_written(string key, string value)
    {
        var options = OperationHost.ValidatedOptions(Configuration((key, value)));

        Assert.That(key switch
        {
            "Neo4j:Snapshot" => SettingValues.Name(options.Neo4j.Snapshot),
            "Neo4j:DumpTransfer" => SettingValues.Name(options.Neo4j.DumpTransfer),
            _ => SettingValues.Name(options.Pitr.Archive),
        }, Is.EqualTo(value.ToLowerInvariant()));
    }

    [TestCase("Neo4j:Snapshot", "sometimes", "auto, always, never")]
    [TestCase("Pitr:Archive", "nfs", "auto, bind-mount, volume")]
    public void Any_other_word_is_refused_naming_the_key_and_the_words_it_takes(string key, string value, string allowed)
    {
        var refused = Assert.Throws<UsageException>(() => OperationHost.ValidatedOptions(Configuration((key, value))));

        Assert.That(refused!.Message, Does.Contain($"{key} is '{value}', and it takes one of {allowed}."));
    }

    [TestCase("Neo4j:StopTimeoutSeconds", "0", "Neo4j:StopTimeoutSeconds must be positive")]
    [TestCase("Pitr:RecoveryTimeoutSeconds", "-5", "Pitr:RecoveryTimeoutSeconds must be positive")]
    [TestCase("Remote:Retries", "-1", "Remote:Retries must not be negative")]
    [TestCase("Drill:ReadyTimeoutSeconds", "0", "Drill:ReadyTimeoutSeconds must be positive")]
    public void A_number_out_of_its_range_is_refused_naming_the_key(string key, string value, string message)
    {
        var refused = Assert.Throws<UsageException>(() => OperationHost.ValidatedOptions(Configuration((key, value))));

        Assert.That(refused!.Message, Does.Contain(message));
        Assert.That(refused.ExitCode, Is.EqualTo(ExitCodes.Usage));
    }

    [Test]
    public void No_retries_is_a_valid_setting()
    {
        Assert.That(OperationHost.ValidatedOptions(Configuration(("Remote:Retries", "0"))).Remote.Retries, Is.Zero);
    }

    private static IConfigurationRoot Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}
