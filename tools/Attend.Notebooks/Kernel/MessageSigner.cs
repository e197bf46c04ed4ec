// Maps the four signed frames of a Jupyter message to their HMAC-SHA256 hex digest, and
// checks incoming digests in constant time so a forged message leaks nothing by timing.
using System.Security.Cryptography;
using System.Text;

namespace Attend.Notebooks.Kernel;

public sealed class MessageSigner(string key)
{
    readonly byte[] keyBytes = Encoding.UTF8.GetBytes(key);

    /// <summary>An empty key turns signing off (the protocol's rule); clients always set one.</summary>
    public bool Enabled => keyBytes.Length > 0;

    public string Sign(params byte[][] frames)
    {
        if (!Enabled) return "";
        using var h = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keyBytes);
        foreach (var f in frames) h.AppendData(f);
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }

    public bool Verify(string signature, params byte[][] frames)
    {
        if (!Enabled) return true;
        byte[] expected = Encoding.ASCII.GetBytes(Sign(frames));
        byte[] given = Encoding.ASCII.GetBytes(signature);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
