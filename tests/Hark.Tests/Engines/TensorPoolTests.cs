using Hark.Engines.Backends;
using Hark.Engines.Cpu;
using Hark.Engines.Whisper;

namespace Hark.Tests.Engines;

public sealed class TensorPoolTests
{
    private const int Columns = 51865; // one logits row: 203 KiB, so 8 rows pass the pool's 1 MiB floor

    [Fact]
    public void A_returned_large_tensor_is_handed_to_the_next_rent_of_its_shape()
    {
        using var backend = new CpuBackend(1);
        using var pool = new TensorPool(backend);
        var first = pool.Rent(200, Columns);
        pool.Return(first);
        Assert.Same(first, pool.Rent(150, Columns)); // fewer rows fit in it
    }

    [Fact]
    public void The_best_fit_is_chosen_and_never_one_more_than_twice_the_rows_asked_for()
    {
        using var backend = new CpuBackend(1);
        using var pool = new TensorPool(backend);
        var big = pool.Rent(220, Columns);
        var small = pool.Rent(40, Columns);
        pool.Return(big);
        pool.Return(small);
        Assert.Same(small, pool.Rent(30, Columns));
        var fresh = pool.Rent(8, Columns); // the 220-row tensor is far too large for 8 rows
        Assert.NotSame(big, fresh);
        Assert.Equal(8, fresh.Rows);
        Assert.Same(big, pool.Rent(200, Columns));
    }

    [Fact]
    public void Small_tensors_and_other_shapes_are_not_kept()
    {
        using var backend = new CpuBackend(1);
        using var pool = new TensorPool(backend);
        var tiny = pool.Rent(1, 64);
        pool.Return(tiny);
        Assert.NotSame(tiny, pool.Rent(1, 64));
        var logits = pool.Rent(100, Columns);
        pool.Return(logits);
        Assert.NotSame(logits, pool.Rent(100, 384));
        Assert.NotSame(logits, pool.Rent(100, Columns, TensorDType.Float16));
    }

    [Fact]
    public void No_more_than_the_byte_limit_waits_in_the_pool()
    {
        using var backend = new CpuBackend(1);
        using var pool = new TensorPool(backend);
        var rows = (int)(TensorPool.MaxBytes / 2 / ((long)Columns * sizeof(float))); // each just under half the limit
        var a = pool.Rent(rows, Columns);
        var b = pool.Rent(rows, Columns);
        var c = pool.Rent(rows, Columns);
        pool.Return(a);
        pool.Return(b);
        pool.Return(c); // the oldest, a, makes room
        var kept = new[] { pool.Rent(rows, Columns), pool.Rent(rows, Columns) };
        Assert.Contains(b, kept);
        Assert.Contains(c, kept);
        Assert.DoesNotContain(a, kept);
    }
}
