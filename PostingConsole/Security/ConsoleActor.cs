using Microsoft.AspNetCore.Components.Authorization;
using PostingConsole.Domain;

namespace PostingConsole.Security;

/// <summary>The signed-in user of this circuit as an <see cref="Actor"/>, for the screens' actions and what they show.</summary>
public sealed class ConsoleActor(AuthenticationStateProvider authentication)
{
    public async Task<Actor> GetAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return Actor.From(state.User, Actor.ConsoleChannel);
    }
}
