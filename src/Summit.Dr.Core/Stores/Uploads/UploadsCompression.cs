using System.IO.Compression;
using Summit.Dr.Progress;

namespace Summit.Dr.Stores.Uploads;

/// <summary>
/// The gzip level of the uploads archive: 1, zlib's fastest real compression, or 0 (stored) when a sample of
/// the files shows compression would save less than a fifth. Evidence is often already compressed (images,
/// PDFs, zip files), and deflating it costs time twice for nothing: on the benchmark's uploads (half
/// incompressible files, half CSV) level 1 took 0.69 s to write and 0.51 s to extract for 16% less space,
/// stored took 0.10 s and 0.28 s; CSV alone shrinks by 37% and STIX JSON bundles by 71%, so those are compressed.
/// </summary>
public static class UploadsCompression
{
    private const int SampleFiles = 64;
    private const int SampleBytes = 64 * 1024;
    private const double WorthIt = 0.8;

    public static int Choose(string directory)
    {
        // Counted first and then sampled on a second pass, so a tree of many files is never held in memory.
        var count = Candidates(directory).Count();
        if (count == 0)
        {
            return 1;
        }

        // Spread over the tree, weighted by each file's size: the sample's ratio stands for its whole file.
        var step = Math.Max(1, count / SampleFiles);
        double raw = 0;
        double compressed = 0;
        var buffer = new byte[SampleBytes];
        foreach (var file in Candidates(directory).Where((_, index) => index % step == 0))
        {
            int read;
            try
            {
                using var input = File.OpenRead(file.FullName);
                read = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (IOException)
            {
                continue;
            }

            var counter = new ByteCounter();
            using (var gzip = new GZipStream(
                new CountingWriteStream(Stream.Null, counter), new ZLibCompressionOptions { CompressionLevel = 1 }))
            {
                gzip.Write(buffer, 0, read);
            }

            raw += file.Length;
            compressed += file.Length * ((double)counter.Value / read);
        }

        return raw == 0 || compressed / raw < WorthIt ? 1 : 0;
    }

    private static IEnumerable<FileInfo> Candidates(string directory) =>
        new DirectoryInfo(directory)
            .EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => f.LinkTarget is null && f.Length > 0);
}
