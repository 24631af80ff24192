using System.Text;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// The watch reader's line splitter: whatever sizes the transport's reads have and however long a line is compared with the
/// buffer, it yields exactly the stream's lines.
/// </summary>
public class Utf8LineReaderTests
{
    private static async Task<List<string>> ReadAll(Stream stream, int bufferSize)
    {
        using var reader = new Utf8LineReader(stream, bufferSize);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None)) lines.Add(Encoding.UTF8.GetString(reader.Current.Span));
        return lines;
    }

    [Fact]
    public async Task Yields_the_streams_lines_for_any_read_sizes_and_line_lengths()
    {
        var random = new Random(20240501);
        for (var round = 0; round < 300; round++)
        {
            var bufferSize = random.Next(1, 4) * 16; // ArrayPool hands out at least 16 bytes
            var lines = Enumerable.Range(0, random.Next(0, 12))
                .Select(_ => new string((char)('a' + random.Next(26)), random.Next(0, 4) == 0 ? random.Next(0, 5 * bufferSize) : random.Next(0, bufferSize / 2)))
                .ToList();
            var lastTerminated = random.Next(2) == 0;
            var text = string.Join("\n", lines) + (lastTerminated && lines.Count > 0 ? "\n" : "");
            var chunks = Enumerable.Range(0, 5).Select(_ => random.Next(1, 2 * bufferSize)).ToArray();

            var read = await ReadAll(new ChunkedStream(text) { ChunkSizes = chunks }, bufferSize);

            // An unterminated last line still counts; an empty stream has none.
            Assert.Equal(text.Length == 0 ? [] : text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n'), read);
        }
    }

    [Fact]
    public async Task Joins_a_line_split_across_reads()
    {
        var read = await ReadAll(new ChunkedStream("{\"type\":\"ADDED\"}\n{\"type\":\"MOD") { ChunkSizes = [5, 3, 100] }, 16);
        Assert.Equal(["{\"type\":\"ADDED\"}", "{\"type\":\"MOD"], read);
    }
}
