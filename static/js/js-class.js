// Loaded first, without defer: lets the stylesheet hide the no-JavaScript fallbacks at once.
document.documentElement.classList.add("js");
