namespace Hark.Tests.Serving;

/// <summary>The serving tests share one server (its model loads once).</summary>
[CollectionDefinition(Name)]
public sealed class ServingCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Serving";
}
