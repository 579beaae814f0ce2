using System.Security.Cryptography;
using System.Text;

namespace Hark.Serving;

/// <summary>
/// The configured API keys, compared in constant time: each key is hashed (SHA-256), and a presented key's hash is
/// compared with every configured hash with <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the
/// position of the first wrong byte nor which key matched shows in the time taken.
/// </summary>
internal sealed class ApiKeys(IReadOnlyList<string> keys)
{
    private readonly byte[][] _hashes = [.. keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];

    /// <summary>No keys configured: every request is allowed.</summary>
    public bool Open => _hashes.Length == 0;

    /// <summary>Whether the <c>Authorization</c> header carries a configured key as <c>Bearer KEY</c>.</summary>
    public bool Allows(string? authorization)
    {
        if (Open) return true;
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        var match = false;
        foreach (var hash in _hashes) match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        return match;
    }
}
