using System.Security.Cryptography;
using System.Text;
using Summit.Dr.Stores.Uploads;

namespace Summit.Dr.Tests.Uploads;

/// <summary>The tree hash is the SHA-256 of `sha256sum`-style lines sorted by path, however the list is held.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class UploadsTreeHashTests
{
    /// <summary>Paths whose ordinal order is easy to get wrong: prefixes, '-' before '/', astral characters (surrogates) against U+E000
    /// and up.</summary>
    private static readonly string[] Awkward =
    [
        "b", "a-c", "a/b", "a", "ab", "A", "dir/file", "dir-2/file", "dir/sub/file", "name with spaces & ünïcode.txt",
        "\uFFFD.txt", "\U0001F600.txt", "\uE000.txt", "z", "",
    ];

    [Test]
    public void The_table_sorts_as_ordinal_strings_sort()
    {
        var table = new PathTable<int>();
        for (var i = 0; i < Awkward.Length; i++)
        {
            table.Add(Awkward[i], i);
        }

        table.Sort();

        var sorted = Enumerable.Range(0, table.Count).Select(i => table.PathAt(i).ToString()).ToList();
        Assert.That(sorted, Is.EqualTo(Awkward.Order(StringComparer.Ordinal).ToList()));
        Assert.That(Enumerable.Range(0, table.Count).Select(i => Awkward[table.ValueAt(i)]), Is.EqualTo(sorted), "each value stays with " +
            "its path");
    }

    [Test]
    public void A_path_added_twice_keeps_its_last_value()
    {
        var table = new PathTable<int>();
        table.Add("b", 1);
        table.Add("a", 2);
        table.Add("b", 3);
        table.Add("a", 4);
        table.Sort();

        Assert.Multiple(() =>
        {
            Assert.That(table.Count, Is.EqualTo(2));
            Assert.That(table.PathAt(0).ToString(), Is.EqualTo("a"));
            Assert.That(table.ValueAt(0), Is.EqualTo(4));
            Assert.That(table.ValueAt(1), Is.EqualTo(3));
        });
    }

    [Test]
    public void Many_long_paths_go_into_growing_blocks_and_come_back_whole()
    {
        var table = new PathTable<int>();
        var paths = Enumerable.Range(0, 20_000).Select(
            i => $"{(i * 7919) % 20_000:00000}/" + new string('x', i % 3 == 0 ? 9_000 : 40)).ToList();
        for (var i = 0; i < paths.Count; i++)
        {
            table.Add(paths[i], i);
        }

        table.Sort();

        Assert.That(Enumerable.Range(0, table.Count).Select(i => table.PathAt(i).ToString()),
            Is.EqualTo(paths.Order(StringComparer.Ordinal)));
    }

    [Test]
    public void The_hash_is_that_of_the_sorted_sha256sum_lines()
    {
        var tree = new UploadsTreeHash();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, i) in Awkward.Where(p => p.Length > 0).Select((p, i) => (p, i)))
        {
            var sha = SHA256.HashData(BitConverter.GetBytes(i));
            tree.Add(path.Replace('/', '\\'), sha);
            files[path] = Convert.ToHexStringLower(sha);
        }

        // Added again: the last checksum of a path is the one that counts.
        var again = SHA256.HashData("again"u8);
        tree.Add("a/b", again);
        files["a/b"] = Convert.ToHexStringLower(again);

        var lines = string.Concat(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Value}  {f.Key}\n"));
        Assert.That(tree.Finish(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines)))));
    }

    [Test]
    public void An_empty_tree_hashes_as_no_lines()
    {
        Assert.That(new UploadsTreeHash().Finish(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(ReadOnlySpan<byte>.Empty))));
    }
}
