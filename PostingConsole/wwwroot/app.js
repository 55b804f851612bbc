// The live log follows the newest line unless the operator has scrolled up.
window.postingConsole = {
    attachLog(el) {
        if (!el || el.dataset.attached) return;
        el.dataset.attached = "true";
        el.dataset.follow = "true";
        el.addEventListener("scroll", () => {
            el.dataset.follow = (el.scrollHeight - el.scrollTop - el.clientHeight < 40) ? "true" : "false";
        });
    },
    followLog(el) {
        if (el && el.dataset.follow !== "false") el.scrollTop = el.scrollHeight;
    }
};
