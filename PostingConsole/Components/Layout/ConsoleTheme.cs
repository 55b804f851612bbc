using MudBlazor;

namespace PostingConsole.Components.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5B4CDB",
            Secondary = "#E1306C",
            AppbarBackground = "#3D2FB0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", "Roboto", "sans-serif"] },
        },
    };
}
