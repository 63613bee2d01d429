using System.Net.Mail;
using System.Text;

namespace AirQuality.Storage.Registry;

/// <summary>
/// The check of one <c>recipient_emails</c> entry: a single bare addr-spec (RFC 5321/5322 dot-atom local part,
/// host-name domain), with non-ASCII letters allowed in either part (RFC 6531, SMTPUTF8; IDN domains).
/// </summary>
/// <remarks>
/// Stricter than the RFCs on purpose: quoted local parts, comments, display names and address literals are legal
/// but are how one entry smuggles in a second recipient or a header, and no enforcement team needs them. The report
/// sender hands each entry to <see cref="MailAddress"/> as one address, so whatever passes here must be one to it.
/// </remarks>
public static class RecipientAddress
{
    /// <summary>RFC 5322 atext besides letters and digits.</summary>
    const string AtextSymbols = "!#$%&'*+-/=?^_`{|}~";

    /// <summary>Null when <paramref name="entry"/> is one usable address; otherwise what is wrong with it and how to write it.</summary>
    public static string? Problem(string entry)
    {
        if (entry.Contains(',', StringComparison.Ordinal))
        {
            return $"'{entry}' is not an e-mail address: it holds more than one address; write one address per entry and separate the entries with ';'";
        }

        if (entry.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '(' or ')'))
        {
            return $"'{entry}' is not an e-mail address: write it as name@domain, without a display name, angle brackets, comments or spaces";
        }

        var at = entry.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at != entry.LastIndexOf('@'))
        {
            return $"'{entry}' is not an e-mail address: it must contain exactly one '@', as in name@domain";
        }

        var (local, domain) = (entry[..at], entry[(at + 1)..]);
        if (Encoding.UTF8.GetByteCount(local) > 64 || !IsDotAtom(local))
        {
            return $"'{entry}' is not an e-mail address: invalid local part '{local}' (before '@'): up to 64 bytes of letters (any script), digits and {AtextSymbols}, "
                + "in parts separated by single dots; quoted local parts are not accepted";
        }

        if (domain.Length > 253 || !IsHostName(domain))
        {
            return $"'{entry}' is not an e-mail address: invalid domain '{domain}' (after '@'): a host name of letters, digits and '-' in labels separated by single dots, "
                + "such as airq.example.org; address literals such as [127.0.0.1] are not accepted";
        }

        if (entry.Length > 254 || !MailAddress.TryCreate(entry, out var address) || address.Address != entry || address.DisplayName.Length > 0)
        {
            return $"'{entry}' is not an e-mail address the mail sender accepts (at most 254 characters, name@domain)";
        }

        return null;
    }

    static bool IsDotAtom(string text) =>
        text.Split('.').All(atom => atom.Length > 0 && atom.All(c => char.IsAsciiLetterOrDigit(c) || AtextSymbols.Contains(c, StringComparison.Ordinal) || IsNonAsciiText(c)));

    static bool IsHostName(string text) =>
        text.Split('.').All(label => label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || IsNonAsciiText(c)));

    /// <summary>A non-ASCII character that may stand in a name: anything but controls, spaces and separators (RFC 6531 allows any UTF-8 there).</summary>
    static bool IsNonAsciiText(char c) => c > '\x7f' && !char.IsControl(c) && !char.IsWhiteSpace(c) && !char.IsSeparator(c);
}
