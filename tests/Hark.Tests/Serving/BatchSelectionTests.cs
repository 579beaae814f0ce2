using Hark.Serving;

namespace Hark.Tests.Serving;

/// <summary>How the scheduler picks the next batch from the windows waiting: a backlog goes by decoder-session key, the
/// oldest window first, so that conditioned windows of many recordings fill one session instead of several.</summary>
public sealed class BatchSelectionTests
{
    [Fact]
    public void Everything_waiting_goes_when_it_fits_in_one_batch()
    {
        var waiting = new List<string> { "a1", "b1", "a2" };
        Assert.Equal(["a1", "b1", "a2"], WindowBatcher.TakeBatch(waiting, 4, Key));
        Assert.Empty(waiting);
    }

    [Fact]
    public void A_backlog_is_taken_by_key_in_the_order_of_each_keys_oldest_window()
    {
        var waiting = new List<string> { "a1", "b1", "a2", "c1", "b2", "a3", "b3" };
        Assert.Equal(["a1", "a2", "a3", "b1"], WindowBatcher.TakeBatch(waiting, 4, Key));
        Assert.Equal(["c1", "b2", "b3"], WindowBatcher.TakeBatch(waiting, 3, Key));
        Assert.Empty(waiting);
    }

    [Fact]
    public void The_oldest_window_always_goes_even_when_another_key_has_more()
    {
        var waiting = new List<string> { "c1", "b1", "b2", "b3", "b4", "b5" };
        var batch = WindowBatcher.TakeBatch(waiting, 3, Key);
        Assert.Equal(["c1", "b1", "b2"], batch);
        Assert.Equal(["b3", "b4", "b5"], waiting);
    }

    private static object Key(string item) => item[0];
}
