using Summit.Dr.Errors;
using Summit.Dr.IO;


namespace Summit.Dr.Tests;

[TestFixture]
[CancelAfter(30_000)]
public sealed class SafeFilesTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("summit-dr-safe-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void A_link_at_an_artifact_name_is_refused_not_followed()
    {
        var target = Write("elsewhere", "secret");
        var link = Path.Combine(_dir, "postgres.dump");
        File.CreateSymbolicLink(link, target);

        var error = Assert.Throws<UnsafeFileException>(() => SafeFiles.OpenRead(link));

        Assert.That(error!.Message, Does.Contain("is a link"));
        Assert.That(error.ExitCode, Is.EqualTo(ExitCodes.Integrity));
    }

    [Test]
    public void A_linked_backup_directory_is_refused_even_when_the_file_in_it_is_regular()
    {
        var real = Directory.CreateDirectory(Path.Combine(_dir, "real")).FullName;
        File.WriteAllText(Path.Combine(real, "postgres.dump"), "dump");
        var linked = Path.Combine(_dir, "20250101_000000");
        Directory.CreateSymbolicLink(linked, real);

        Assert.Throws<UnsafeFileException>(() => SafeFiles.OpenRead("postgres.dump", directory: linked));
        using var direct = SafeFiles.OpenRead("postgres.dump", directory: real);
        Assert.That(new StreamReader(direct).ReadToEnd(), Is.EqualTo("dump"));
    }

    [Test]
    public void A_directory_or_a_fifo_is_not_read_as_an_artifact()
    {
        Assert.Throws<UnsafeFileException>(() => SafeFiles.OpenRead(_dir));
        var fifo = Path.Combine(_dir, "fifo");
        Assert.That(System.Diagnostics.Process.Start("mkfifo", fifo)!.WaitForExit(10_000), Is.True);

        Assert.Throws<UnsafeFileException>(() => SafeFiles.OpenRead(fifo));
    }

    [Test]
    public void A_file_read_back_must_be_this_users_regular_file_with_mode_600()
    {
        var own = Write("own.json", "{}", PrivateFiles.File);
        var open = Write("open.json", "{}", PrivateFiles.File | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var link = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(link, own);

        Assert.That(SafeFiles.ReadOwn(own), Is.EqualTo("{}"u8.ToArray()));
        Assert.That(SafeFiles.ReadOwn(Path.Combine(_dir, "missing.json")), Is.Null);
        Assert.That(Assert.Throws<UnsafeFileException>(() => SafeFiles.ReadOwn(open))!.Message, Does.Contain("has mode 644, not 600"));
        Assert.That(Assert.Throws<UnsafeFileException>(() => SafeFiles.ReadOwn(link))!.Message, Does.Contain("is a link"));
    }

    [Test]
    public void Writing_a_whole_file_replaces_a_link_at_its_name_and_leaves_the_links_target_alone()
    {
        var victim = Write("victim", "untouched");
        var path = Path.Combine(_dir, "state.json");
        File.CreateSymbolicLink(path, victim);

        SafeFiles.WriteAtomically(path, s => s.Write("new"u8));

        Assert.That(File.ReadAllText(victim), Is.EqualTo("untouched"));
        Assert.That(SafeFiles.LinkFacts(path)!.Value.Regular, Is.True, "a regular file took the link's place");
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(PrivateFiles.File));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(_dir, "*.tmp"), Is.Empty);
    }

    [Test]
    public void A_directory_kept_by_summit_dr_is_never_a_link()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        var wal = Path.Combine(_dir, "wal");
        Directory.CreateSymbolicLink(wal, elsewhere);

        Assert.Throws<UnsafeFileException>(() => SafeFiles.CreateDirectory(wal));
        SafeFiles.CreateDirectory(Path.Combine(_dir, "made"));
        Assert.That(File.GetUnixFileMode(Path.Combine(_dir, "made")), Is.EqualTo(PrivateFiles.Directory));
    }

    private string Write(string name, string text, UnixFileMode mode = PrivateFiles.File)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
