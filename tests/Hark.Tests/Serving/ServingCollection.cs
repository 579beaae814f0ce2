namespace Hark.Tests.Serving;

/// <summary>
/// The serving tests share one server (its model loads once). They run alone: the upload tests measure the process's
/// resident memory, which tests of other collections running beside them would grow too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServingCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Serving";
}
