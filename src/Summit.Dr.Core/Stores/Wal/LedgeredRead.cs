using System.Security.Cryptography;
using Summit.Dr.Errors;
using Summit.Dr.IO;

namespace Summit.Dr.Stores.Wal;

/// <summary>
/// A WAL file as a restore lays it: the first <c>take</c> bytes of one handle (the tail: only the length its ledger
/// vouched for), with the SHA-256 of the first <c>expected.Size</c> of them checked against the ledger the moment they
/// have been read. A changed byte is an <see cref="IntegrityException"/> before the staged WAL is ever replayed. It
/// reports its length as seekable streams do, since a tar header states an entry's size before its bytes.
/// </summary>
public sealed class LedgeredRead : ReadOnlyStream
{
    private readonly FileStream _file;
    private readonly long _take;
    private readonly WalLedgerEntry? _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;

    /// <param name="signedOnly">Take only the bytes the ledger vouches for (a tail is cut to its ledgered length).</param>
    public LedgeredRead(string path, WalLedgerEntry? expected, bool signedOnly)
    {
        _file = SafeFiles.OpenRead(path);
        _expected = expected;
        Name = Path.GetFileName(path);
        var length = _file.Length;
        if (expected is not null && length < expected.Size)
        {
            _file.Dispose();
            throw new IntegrityException($"{path} is {length} bytes, shorter than the {expected.Size} its ledger recorded: it was " +
                $"changed. Nothing was touched.");
        }

        _take = signedOnly && expected is not null ? expected.Size : length;
    }

    public string Name { get; }

    public override bool CanSeek => true;

    public override long Length => _take;

    public override long Position { get => _read; set => Seek(value, SeekOrigin.Begin); }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var to = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _read + offset, _ => _take + offset };
        return to == _read ? to : throw new NotSupportedException("a WAL file is laid in one pass");
    }

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, _take - _read);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = _file.Read(buffer[..wanted]);
        if (read == 0)
        {
            throw new IntegrityException($"{Name} ended after {_read} of {_take} bytes while it was laid: it was changed. Nothing was " +
                $"touched.");
        }

        if (_expected is { } expected && _read < expected.Size)
        {
            var hashed = (int)Math.Min(read, expected.Size - _read);
            _hash.AppendData(buffer[..hashed]);
            if (_read + hashed == expected.Size)
            {
                var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
                if (actual != expected.Sha256)
                {
                    throw new IntegrityException($"{Name} is not what the WAL ledger recorded (SHA-256 {expected.Sha256} of its first " +
                        $"{expected.Size} bytes, found {actual}): it was changed after it was archived. Nothing was touched; restore to " +
                            $"an earlier time, or restore a backup as it is.");
                }
            }
        }

        _read += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
