using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AirQuality.EnforcementConsole;

/// <summary>
/// PBKDF2-SHA256 password hashes in the form <c>pbkdf2-sha256$iterations$salt$hash</c> (salt and hash in base64).
/// </summary>
/// <remarks>
/// 600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256; a stored hash keeps its own count, so raising
/// <see cref="Iterations"/> later does not break existing passwords. Salt: 16 random bytes per user; hash: 32 bytes.
/// </remarks>
public static class PasswordHash
{
    public const int Iterations = 600_000;
    const string Scheme = "pbkdf2-sha256";
    const int SaltBytes = 16;
    const int HashBytes = 32;

    /// <summary>A new hash of <paramref name="password"/> with a fresh salt.</summary>
    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>; the comparison takes the same time wherever they differ.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            throw new FormatException("A stored password hash is not in the form pbkdf2-sha256$iterations$salt$hash; set the password again with airq user add.");
        }

        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash of no one's password, checked when the name is unknown so that the answer takes as long as for a real user.</summary>
    public static string Decoy { get; } = Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
}
