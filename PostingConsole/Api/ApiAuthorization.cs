using System.Security.Claims;
using PostingConsole.Security;
using PostingConsole.Domain;

namespace PostingConsole.Api;

public static class ApiAuthorization
{
    /// <summary>The caller of an API request as the operations see it.</summary>
    public static Actor ApiActor(this ClaimsPrincipal user) => Actor.From(user, Actor.ApiChannel);

    /// <summary>403 before the body is even read when the key's role lacks <paramref name="permission"/>.</summary>
    public static RouteHandlerBuilder RequirePermission(this RouteHandlerBuilder endpoint, Permission permission) =>
        endpoint.RequireAuthorization(Roles.Policy(permission));
}
