/**
 * A dialog or drawer gives focus back, when it closes, to what held focus as it opened. Opened from a
 * dropdown menu, that is the menu item, gone with its menu, and focus would fall to the page. So before a
 * menu item acts (click, Enter or Space), focus moves to the button that opened its menu, as the menu button
 * pattern asks; a dialog opened from the item then returns there. One listener for every menu of the console.
 */
export function returnFocusToMenuButtons(document: Document): void {
  let menuButton: HTMLElement | null = null;
  const remember = (event: Event) => {
    const trigger = event.target instanceof Element ? event.target.closest('.ant-dropdown-trigger') : null;
    if (trigger instanceof HTMLElement) menuButton = trigger;
  };
  const toMenuButton = (event: Event) => {
    const item = event.target instanceof Element ? event.target.closest('.ant-dropdown-menu-item') : null;
    if (item && menuButton?.isConnected) menuButton.focus({ preventScroll: true });
  };
  document.addEventListener('focusin', remember, true);
  document.addEventListener('pointerdown', remember, true);
  document.addEventListener('click', toMenuButton, true);
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' || event.key === ' ') toMenuButton(event);
    },
    true,
  );
}
