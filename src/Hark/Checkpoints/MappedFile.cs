using System.IO.MemoryMappedFiles;

namespace Hark.Checkpoints;

/// <summary>A whole file mapped read-only, with bounds-checked spans over it. Thread-safe for reads.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private int _disposed;

    /// <summary>Maps <paramref name="stream"/> (which the mapping then owns). The file must not be empty.</summary>
    public MappedFile(FileStream stream)
    {
        Length = stream.Length;
        try
        {
            _map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _map.Dispose();
            throw;
        }
    }

    /// <summary>File length in bytes.</summary>
    public long Length { get; }

    /// <summary>The bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>).</summary>
    public ReadOnlySpan<byte> Span(long offset, long count)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (offset < 0 || count < 0 || count > int.MaxValue || offset > Length - count)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, +{count}) is outside the {Length}-byte file");
        return new ReadOnlySpan<byte>(_pointer + offset, (int)count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
