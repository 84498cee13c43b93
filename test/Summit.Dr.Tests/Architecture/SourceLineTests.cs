using Summit.Dr.Testing;

namespace Summit.Dr.Tests.Architecture;

/// <summary>A line a reader takes in at a glance: none in the sources or the tests is over 140 characters; a failure names each.</summary>
[TestFixture]
public sealed class SourceLineTests
{
    private const int Limit = 140;

    [Test]
    public void No_line_of_the_code_is_over_140_characters()
    {
        var over = new[] { "src", "test" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Repo.Root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Repo.Root, f), Line: i + 1, line.Length)))
            .Where(l => l.Length > Limit)
            .Select(l => $"{l.File}:{l.Line} is {l.Length} characters")
            .ToList();

        Assert.That(over, Is.Empty, string.Join('\n', over));
    }
}
