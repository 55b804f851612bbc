using Microsoft.AspNetCore.DataProtection;

namespace PostingConsole.Data;

/// <summary>
/// Encrypts persona access tokens at rest with ASP.NET Core Data Protection (keys in the data folder).
/// The plain token exists only in memory, on its way into an Authorization header.
/// </summary>
public sealed class TokenProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector protector = provider.CreateProtector("PostingConsole.PersonaAccessToken.v1");

    public string Protect(string token) => protector.Protect(token);

    public string Unprotect(string protectedToken) => protector.Unprotect(protectedToken);
}
