namespace Hark.Audio;

/// <summary>
/// Base of Hark's pipe-like streams (ffmpeg's stdout, a sniffed header followed by the rest): readable, forward only,
/// no length. Subclasses implement only the reads.
/// </summary>
internal abstract class ReadOnlyForwardStream : Stream
{
    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
