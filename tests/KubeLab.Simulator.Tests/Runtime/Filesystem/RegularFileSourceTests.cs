using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>A <see cref="RegularFile"/> over an <see cref="IFileContentSource"/>: content, length and wake-ups come from the source.</summary>
public class RegularFileSourceTests
{
    /// <summary>A source of fixed bytes that reports it grew already (a line arrived between reading its position and waiting).</summary>
    private sealed class AlreadyGrown(string text) : IFileContentSource
    {
        public long Position => 1;
        public byte[] Read(long from, out long to) { to = 1; return from == 0 ? Encoding.UTF8.GetBytes(text) : []; }
        public long LengthFrom(long from) => from == 0 ? Encoding.UTF8.GetByteCount(text) : 0;
        public DateTimeOffset? ModifiedAfter(long from) => null;
        public Task? GrownBeyond(long position) => Task.CompletedTask;
    }

    [Fact]
    public void Changed_of_a_source_that_already_grew_is_complete_at_once()
    {
        var file = new RegularFile(new AlreadyGrown("x\n"));
        Assert.True(file.Changed.IsCompletedSuccessfully);
        Assert.Equal("x\n", file.ReadText());
        Assert.Equal(2, file.Length);
    }
}
